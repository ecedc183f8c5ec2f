package dev.porte.nft;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code nft} binary. Every command porte sends names {@code inet porte} or only lists;
 * no other table is ever written. Thread-safe (no state but the binary's path).
 */
public final class Nft {
  private final Path binary;

  private Nft(Path binary) {
    this.binary = binary;
  }

  /** What nft said. */
  public record Result(int exit, String out, String err) {
    /** nft's first error line, for a one-line message. */
    public String firstError() {
      for (String line : err.split("\n")) {
        if (!line.isBlank()) {
          return line.trim();
        }
      }
      return "exit " + exit;
    }
  }

  /**
   * The nft of this host, after checking that porte may use it: effective uid 0 and an nft binary.
   * Otherwise a one-line {@link ErrorCode#BACKEND_UNAVAILABLE} error that says which is missing.
   */
  public static Nft locate() {
    if (!isRoot()) {
      throw new PorteException(ErrorCode.BACKEND_UNAVAILABLE,
          "changing the kernel firewall needs root (run with sudo); nothing was changed");
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "nft"));
      }
    }
    candidates.add(Path.of("/usr/sbin/nft"));
    candidates.add(Path.of("/sbin/nft"));
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        return new Nft(candidate);
      }
    }
    throw new PorteException(ErrorCode.BACKEND_UNAVAILABLE,
        "nft is not installed (apt-get install nftables); nothing was changed");
  }

  /** True when this process runs with effective uid 0 (read from /proc, no native call). */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** Loads a script as one transaction ({@code nft -f}); the kernel keeps the old table on failure. */
  public Result load(String script) {
    try {
      Path file = Files.createTempFile("porte", ".nft");
      try {
        Files.writeString(file, script);
        return run("-f", file.toString());
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new PorteException(ErrorCode.IO, "cannot write a temporary ruleset file: " + e.getMessage(), e);
    }
  }

  public Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      // Read both streams fully before waiting: a big listing would otherwise fill the pipe.
      var err = new java.util.concurrent.CompletableFuture<String>();
      Thread reader = new Thread(() -> {
        try {
          err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          err.complete("");
        }
      });
      reader.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new PorteException(ErrorCode.BACKEND_FAILED, "nft did not finish within 120 s: " + command);
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new PorteException(ErrorCode.BACKEND_UNAVAILABLE, "cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PorteException(ErrorCode.BACKEND_FAILED, "interrupted while running nft", e);
    }
  }
}
