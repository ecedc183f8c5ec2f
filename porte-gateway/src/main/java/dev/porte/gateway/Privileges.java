package dev.porte.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Which ports this process may listen on, as the Linux kernel decides it: a port below the
 * network namespace's {@code net.ipv4.ip_unprivileged_port_start} (1024 unless lowered, as Docker
 * lowers it to 0 in its containers) needs {@code CAP_NET_BIND_SERVICE} in the effective set. Root
 * has it; so has a service user given it by systemd's {@code AmbientCapabilities=} or setcap, and
 * a root in a container may have lost it. Being uid 0 is therefore not the question.
 *
 * @param mayBindAnyPort the effective capabilities include {@code CAP_NET_BIND_SERVICE}
 * @param unprivilegedPortStart the lowest port anyone may bind in this network namespace
 */
record Privileges(boolean mayBindAnyPort, int unprivilegedPortStart) {
  /** Bit 10 of the capability sets (linux/capability.h). */
  static final int CAP_NET_BIND_SERVICE = 10;
  /** The kernel's default, and what porte assumes where it cannot read the setting. */
  static final int DEFAULT_UNPRIVILEGED_PORT_START = 1024;

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path PORT_START = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");

  /** This process's: read from /proc; without /proc (not Linux) nothing is assumed beyond the default. */
  static Privileges ofThisProcess() {
    return parse(read(STATUS), readSetting(PORT_START));
  }

  /**
   * From the text of {@code /proc/self/status} and of {@code ip_unprivileged_port_start}; a text
   * that is missing or unreadable counts as no capability and the default start.
   */
  static Privileges parse(@Nullable String status, @Nullable String portStart) {
    boolean capable = false;
    if (status != null) {
      for (String line : status.split("\n")) {
        if (line.startsWith("CapEff:")) {
          try {
            long effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            capable = (effective & (1L << CAP_NET_BIND_SERVICE)) != 0;
          } catch (NumberFormatException e) {
            capable = false; // a kernel that writes it otherwise: assume the least
          }
        }
      }
    }
    int start = DEFAULT_UNPRIVILEGED_PORT_START;
    if (portStart != null) {
      try {
        start = Integer.parseInt(portStart.trim());
      } catch (NumberFormatException e) {
        start = DEFAULT_UNPRIVILEGED_PORT_START;
      }
    }
    return new Privileges(capable, start);
  }

  /** Whether a listener on {@code port} will be allowed (0 asks the kernel for a free port: always). */
  boolean mayBind(int port) {
    return port == 0 || mayBindAnyPort || port >= unprivilegedPortStart;
  }

  /**
   * A sysctl's value, taken in a single read: the kernel answers a read of a number at any offset
   * but 0 with the end of the file, so reading it in small pieces (as {@code Files.readString}
   * does with a file that reports size 0) gets "1" out of "1024".
   */
  private static @Nullable String readSetting(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64];
      int n = in.read(buffer);
      return n <= 0 ? null : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private static @Nullable String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}
