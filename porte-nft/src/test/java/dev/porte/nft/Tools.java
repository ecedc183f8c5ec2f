package dev.porte.nft;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs system tools for the tests; a missing tool skips outside CI and fails in CI. */
final class Tools {
  private Tools() {}

  record Result(int exit, String out, String err) {}

  static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
  }

  static boolean isRoot() {
    try {
      return run(List.of("id", "-u"), 5).out().trim().equals("0");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Skips (outside CI) or fails (in CI) unless {@code ok}; {@code why} says what is missing. */
  static void require(boolean ok, String why) {
    if (ok) {
      return;
    }
    if (inCi()) {
      fail("CI=true but " + why + ": these tests must run in CI");
    }
    assumeTrue(false, "skipped: " + why + " (set CI=true to make this a failure)");
  }

  static void requireTools(String... tools) {
    for (String tool : tools) {
      require(onPath(tool), "'" + tool + "' is not installed");
    }
  }

  static Result run(List<String> command, int timeoutSeconds) {
    try {
      Path out = Files.createTempFile("porte-tool", ".out");
      Path err = Files.createTempFile("porte-tool", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  /** Runs and returns stdout; a non-zero exit fails with the command and its stderr. */
  static String ok(List<String> command, int timeoutSeconds) {
    Result r = run(command, timeoutSeconds);
    if (r.exit() != 0) {
      throw new AssertionError("exit " + r.exit() + " from " + command + "\n" + r.err() + r.out());
    }
    return r.out();
  }

  private static final java.util.concurrent.atomic.AtomicInteger SCRATCH = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Checks an nft script with {@code nft -c -f} in a throwaway network namespace: as root a named
   * one (nft can then size its netlink buffer for 10,000-element sets), else {@code unshare -rn}.
   */
  static Result nftCheck(String script) {
    try {
      Path file = Files.createTempFile("porte", ".nft");
      try {
        Files.writeString(file, script);
        if (!isRoot()) {
          return run(List.of("unshare", "-rn", "nft", "-c", "-f", file.toString()), 30);
        }
        String ns = "porte-it-" + ProcessHandle.current().pid() + "-" + (1000 + SCRATCH.incrementAndGet()) + "h";
        ok(List.of("ip", "netns", "add", ns), 10);
        try {
          return run(List.of("ip", "netns", "exec", ns, "nft", "-c", "-f", file.toString()), 60);
        } finally {
          run(List.of("ip", "netns", "del", ns), 10);
        }
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
