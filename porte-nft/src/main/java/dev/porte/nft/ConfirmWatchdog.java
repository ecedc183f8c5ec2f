package dev.porte.nft;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The process that undoes {@code apply --confirm} unless {@code porte confirm} comes in time. It is
 * started in its own session ({@code setsid}), with no terminal and its output in the state
 * directory, so it outlives the shell — and the SSH session — that ran {@code apply}. It runs in
 * the network namespace of its parent, so it reverts the very table that was applied.
 */
public final class ConfirmWatchdog {
  private ConfirmWatchdog() {}

  static void spawn(StateDir state, String token, Instant deadline) {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = List.of("setsid", java, "-cp", System.getProperty("java.class.path"),
        ConfirmWatchdog.class.getName(), state.path().toString(), token, deadline.toString());
    File log = state.path().resolve("watchdog.log").toFile();
    try {
      new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new PorteException(ErrorCode.BACKEND_FAILED,
          "applied, but cannot start the confirm watchdog (" + e.getMessage() + "): run 'porte rollback' if you lose access");
    }
  }

  /** {@code ConfirmWatchdog STATE_DIR TOKEN DEADLINE}: waits, then reverts if still unconfirmed. */
  public static void main(String[] args) throws InterruptedException {
    StateDir state = new StateDir(Path.of(args[0]));
    Instant deadline = Instant.parse(args[2]);
    Duration wait = Duration.between(Instant.now(), deadline);
    if (!wait.isNegative()) {
      Thread.sleep(wait.toMillis());
    }
    KernelFirewall kernel = new KernelFirewall(Nft.locate(), state, Clock.systemUTC());
    boolean reverted = kernel.revertIfUnconfirmed(args[1]);
    System.out.println(Instant.now() + (reverted
        ? " not confirmed by " + deadline + ": reverted to the previous ruleset"
        : " confirmation " + args[1] + " was given or superseded; nothing to do"));
  }
}
