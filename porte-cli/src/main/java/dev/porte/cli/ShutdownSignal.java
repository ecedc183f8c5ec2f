package dev.porte.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Ctrl-C and SIGTERM for a command that runs in the foreground, counted as nginx and Docker users
 * expect: the first asks for a graceful stop ({@link #await} returns), the second cuts it short
 * ({@link #hurried} completes: the drain ends and the open connections are closed now), the third
 * ends the process at once, without cleaning up, for a stop that hangs.
 *
 * <p>Counting needs the signals themselves: once the JVM's own handler has started its shutdown, it
 * ignores every later signal. So the command takes SIGINT and SIGTERM with {@code sun.misc.Signal}
 * (module jdk.unsupported, as {@link Signals} does for SIGHUP) while it runs, and gives them back
 * on {@link #close}. Where that is refused (the JVM reserves a signal, or the shell started the
 * process with SIGINT ignored), the JVM's shutdown still stops the command gracefully: a hook
 * requests the stop and holds the exit (up to {@link #GRACE}) until {@link #close} says the
 * command has closed what it opened; it is the single-signal behaviour, without the hurry.
 *
 * <p>Open it as the first resource of a try-with-resources, so that it closes last. One per
 * command run.
 */
final class ShutdownSignal implements AutoCloseable {
  /** How long an exiting JVM waits for the command to close listeners, stores and logs. */
  static final Duration GRACE = Duration.ofSeconds(30);
  /** The exit status of the third signal's immediate exit: 128 + SIGINT, as a shell reports Ctrl-C. */
  static final int HALT_STATUS = 130;

  private static final String[] STOP_SIGNALS = {"INT", "TERM"};

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CompletableFuture<Void> hurried = new CompletableFuture<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger received = new AtomicInteger();
  private final PrintStream err;
  private final Thread hook;
  @SuppressWarnings("removal")
  private final Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new LinkedHashMap<>();

  ShutdownSignal(String name) {
    this(name, System.err);
  }

  ShutdownSignal(String name, PrintStream err) {
    this.err = err;
    // The JVM exits as soon as its hooks return: this one holds the exit until close() is called.
    hook = new Thread(() -> {
      requested.countDown();
      try {
        closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // An exit that did not come through Main (the JVM's own stop): the close's lines still go out.
      Logs.flush();
    }, name);
    Runtime.getRuntime().addShutdownHook(hook);
    for (String signal : STOP_SIGNALS) {
      take(signal);
    }
  }

  @SuppressWarnings("removal")
  private void take(String name) {
    try {
      sun.misc.Signal signal = new sun.misc.Signal(name);
      sun.misc.SignalHandler old = sun.misc.Signal.handle(signal, s -> received(s.getName()));
      if (old == sun.misc.SignalHandler.SIG_IGN) {
        // Started with the signal ignored (a background job of a script): keep ignoring it.
        sun.misc.Signal.handle(signal, old);
        return;
      }
      previous.put(signal, old);
    } catch (IllegalArgumentException | LinkageError e) {
      // Reserved or unknown here: the JVM's shutdown and the hook above stop the command.
    }
  }

  private void received(String name) {
    switch (received.incrementAndGet()) {
      case 1 -> requested.countDown();
      case 2 -> hurried.complete(null);
      default -> {
        err.println("porte: SIG" + name + " a third time: exiting now, without closing anything");
        err.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    }
  }

  /** Waits for Ctrl-C or SIGTERM; with a {@code limit}, at most that long. */
  void await(@Nullable Duration limit) throws InterruptedException {
    if (limit == null) {
      requested.await();
    } else {
      requested.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Completes when a second Ctrl-C or SIGTERM asks to stop without waiting any longer. */
  CompletableFuture<Void> hurried() {
    return hurried;
  }

  /** Whether a second signal can reach this command: false where the JVM keeps the signals. */
  boolean canHurry() {
    return !previous.isEmpty();
  }

  @Override
  @SuppressWarnings("removal")
  public void close() {
    previous.forEach((signal, handler) -> {
      try {
        sun.misc.Signal.handle(signal, handler);
      } catch (IllegalArgumentException e) {
        // It was ours a moment ago; nothing else can have claimed it. Leave ours in place.
      }
    });
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running and waited for the count-down above.
    }
  }
}
