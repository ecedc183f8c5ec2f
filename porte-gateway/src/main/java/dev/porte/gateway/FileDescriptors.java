package dev.porte.gateway;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;

/**
 * The process's open-file limit against what the gateway's caps may ask of it: each TCP connection
 * holds two descriptors (the client's and the backend's), each UDP session one, besides what the
 * JVM, the listeners and the logs hold already. Stateless.
 */
final class FileDescriptors {
  /** Room for what opens after the check: listeners, event loops' rings, a log file rolled over. */
  static final int MARGIN = 64;

  private FileDescriptors() {}

  /** The limit on open files (ulimit -n, LimitNOFILE=), or -1 where the JVM cannot say. */
  static long limit() {
    return unix() == null ? -1 : unix().getMaxFileDescriptorCount();
  }

  /** Descriptors open now, or 0 where the JVM cannot say. */
  static long open() {
    return unix() == null ? 0 : unix().getOpenFileDescriptorCount();
  }

  private static @Nullable UnixOperatingSystemMXBean unix() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean u ? u : null;
  }

  /**
   * One sentence for the log when {@code limit} cannot hold what {@code config} allows besides the
   * {@code open} descriptors, as HAProxy warns of an FD limit too low for its maxconn; null when it
   * can, or when the limit is unknown (-1).
   */
  static @Nullable String shortfall(GatewayConfig config, long limit, long open) {
    long needed = open + MARGIN + 2L * config.maxConnections() + config.maxUdpSessions();
    if (limit < 0 || limit >= needed) {
      return null;
    }
    long fit = Math.max(0, (limit - open - MARGIN) / 2);
    return "the open-file limit (" + limit + ") is below the " + needed + " descriptors that --max-connections "
        + config.maxConnections() + " (two each) and --max-udp-sessions " + config.maxUdpSessions()
        + " (one each) may need: about " + fit + " connections fit, fewer while UDP sessions are open, and clients "
        + "past that wait unaccepted. Raise the limit (ulimit -n, systemd LimitNOFILE=) or lower the caps";
  }
}
