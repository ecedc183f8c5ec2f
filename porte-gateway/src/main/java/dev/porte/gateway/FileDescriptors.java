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
  /** The connection cap when none is given and the open-file limit is no lower. */
  static final int MAX_CONNECTIONS = 50_000;
  /** The UDP session cap when none is given and the open-file limit is no lower. */
  static final int MAX_UDP_SESSIONS = 10_000;

  /** Caps on TCP connections and UDP sessions. */
  record Caps(int connections, int udpSessions) {}

  /**
   * The caps when none are given: a quarter of the descriptors left for UDP sessions and the rest
   * for connections at two each, so that together they fit the limit, up to {@link
   * #MAX_CONNECTIONS} and {@link #MAX_UDP_SESSIONS}; those where the limit is unknown (-1).
   */
  static Caps defaults(long limit, long open) {
    if (limit < 0) {
      return new Caps(MAX_CONNECTIONS, MAX_UDP_SESSIONS);
    }
    long free = Math.max(0, limit - open - MARGIN);
    long udp = Math.min(MAX_UDP_SESSIONS, Math.max(1, free / 4));
    long connections = Math.min(MAX_CONNECTIONS, Math.max(1, (free - udp) / 2));
    return new Caps((int) connections, (int) udp);
  }

  /**
   * What to do about a failure whose message is {@code message}: for "Too many open files", the
   * limit and how to raise it, in parentheses after a space; else nothing.
   */
  static String remedyFor(String message) {
    return message.contains("Too many open files") ? " (open-file limit " + limit() + ": raise it with ulimit -n or "
        + "systemd LimitNOFILE=, or lower --max-connections)" : "";
  }

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
    String connections = (config.maxConnectionsGiven() ? "--max-connections " : "the connection cap ")
        + config.maxConnections();
    String udp = (config.maxUdpSessionsGiven() ? "--max-udp-sessions " : "the UDP session cap ") + config.maxUdpSessions();
    return "the open-file limit (" + limit + ") is below the " + needed + " descriptors that " + connections
        + " (two each) and " + udp + " (one each) may need: about " + fit + " connections fit, fewer while UDP sessions are open, and clients "
        + "past that wait unaccepted or are closed. Raise the limit (ulimit -n, systemd LimitNOFILE=) or lower the caps";
  }
}
