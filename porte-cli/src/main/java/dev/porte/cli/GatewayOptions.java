package dev.porte.cli;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.DurationText;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.ServiceBinding;
import dev.porte.gateway.Gateway;
import dev.porte.gateway.GatewayConfig;
import dev.porte.gateway.TcpKeepalive;
import io.netty.util.ResourceLeakDetector;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Where the gateway listens and its limits: shared by {@code porte gateway} and {@code porte serve}. */
final class GatewayOptions {
  /** What the drain may take at most: the JVM waits {@link ShutdownSignal#GRACE} (30 s) for the whole stop. */
  static final int MAX_DRAIN_SECONDS = 25;

  @Option(names = "--listen", paramLabel = "ADDR",
      description = "Address to listen on (repeatable). Default: every address (:: dual-stack), or 127.0.0.1 for the built-in example.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--port-offset", paramLabel = "N", defaultValue = "0",
      description = "Listen on service port + N (10000 serves 80 on 10080). Default: ${DEFAULT-VALUE}.")
  int portOffset;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Concurrent connections in all. Default: as many as the open-file limit holds (two descriptors "
          + "each, a quarter of them kept for UDP sessions), at most 50000.")
  @Nullable Integer maxConnections;

  @Option(names = "--max-per-source", paramLabel = "N", defaultValue = "1000",
      description = "Concurrent connections from one client address (and UDP sessions). Default: ${DEFAULT-VALUE}.")
  int maxPerSource;

  @Option(names = "--max-udp-sessions", paramLabel = "N",
      description = "Concurrent UDP sessions (client address and port) in all; --max-per-source caps them per client "
          + "address too. Datagrams that would open one more are dropped and counted. Default: a quarter of the "
          + "open-file limit, at most 10000.")
  @Nullable Integer maxUdpSessions;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "300s",
      description = "Close a connection idle this long (1s to 1d; 300 and 300s are the same, 5m too). Default: ${DEFAULT-VALUE}.")
  String idleTimeout;

  @Option(names = "--tcp-keepalive", paramLabel = "DURATION", defaultValue = "60s",
      description = "Probe a client's connection after this long without a byte either way, and close it when "
          + "6 probes, at most 10s apart, go unanswered: a client that vanished (a laptop shut, a network cut) frees "
          + "its connection and its backend's within two minutes instead of at the idle timeout; a quiet backend "
          + "connection is probed too (whole seconds, 1s to 32767s; 0 or off: no probes). Default: ${DEFAULT-VALUE}.")
  String tcpKeepalive;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
      description = "Give a backend this long to accept a connection before the client's is closed (1ms to 1d). "
          + "Default: ${DEFAULT-VALUE}.")
  String connectTimeout;

  @Option(names = "--connect-retries", paramLabel = "N", defaultValue = "3",
      description = "Dial a backend that refused or did not answer again this many times (0 to "
          + GatewayConfig.MAX_CONNECT_RETRIES + "), waiting the connect timeout but at most 1s before each, as HAProxy's "
          + "retries: a backend that restarts costs its clients a wait, not their connections. Default: ${DEFAULT-VALUE}.")
  int connectRetries;

  @Option(names = "--udp-idle-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "End a UDP session idle this long (1s to 1d). Default: ${DEFAULT-VALUE}.")
  String udpIdleTimeout;

  @Option(names = "--resolve-interval", paramLabel = "DURATION", defaultValue = "30s",
      description = "Look the backends' host names up again this often (1s to 1d): a name that did not resolve is "
          + "served once it does, and a backend that moved to another address is followed without a reload. "
          + "Default: ${DEFAULT-VALUE}.")
  String resolveInterval;

  @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
      description = "Event loop threads (0 to " + GatewayConfig.MAX_IO_THREADS + "); 0 means twice the cores. "
          + "Default: ${DEFAULT-VALUE}.")
  int ioThreads;

  @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "10s",
      description = "On Ctrl-C or SIGTERM, stop taking connections and give the open ones this long to finish "
          + "before closing them (0s to " + MAX_DRAIN_SECONDS + "s; 0 closes them at once). Default: ${DEFAULT-VALUE}.")
  String drain;

  @Option(names = "--client-alias", paramLabel = "LOCAL=AS",
      description = "Judge clients from LOCAL as if they came from AS (for trying rules on one machine: loopback is always allowed).")
  List<String> aliases = new ArrayList<>();

  /** The gateway's settings from these options, listening on {@code bind} (empty: every address). */
  GatewayConfig.Builder builder(List<String> bind) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String a : bind) {
      IpAddress.parse(a); // an address, not a host name: errors quote it
      InetAddress address;
      try {
        address = InetAddress.getByName(a);
      } catch (UnknownHostException e) {
        throw new PorteException(ErrorCode.INVALID_ADDRESS, "cannot listen on '" + a + "': " + e.getMessage(), e);
      }
      if (addresses.contains(address)) {
        // The second bind would fail on the first one's port and be reported as a port in use.
        throw new PorteException(ErrorCode.USAGE, "--listen " + a + " is given twice (each address once)");
      }
      addresses.add(address);
    }
    Map<IpAddress, IpAddress> alias = new HashMap<>();
    for (String pair : aliases) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new PorteException(ErrorCode.USAGE, "--client-alias wants LOCAL=AS, e.g. 127.0.0.2=198.51.100.7: '" + pair + "'");
      }
      alias.put(IpAddress.parse(pair.substring(0, eq)), IpAddress.parse(pair.substring(eq + 1)));
    }
    try {
      GatewayConfig.Builder builder = GatewayConfig.builder();
      if (maxConnections != null) {
        builder.maxConnections(atLeast("--max-connections", maxConnections, 1));
      }
      if (maxUdpSessions != null) {
        builder.maxUdpSessions(atLeast("--max-udp-sessions", maxUdpSessions, 1));
      }
      if (portOffset < 0 || portOffset > 65535) {
        throw new PorteException(ErrorCode.USAGE, "--port-offset " + portOffset + " is out of range (valid: 0-65535)");
      }
      return builder
          .bind(addresses)
          .portOffset(portOffset)
          .maxConnectionsPerSource(atLeast("--max-per-source", maxPerSource, 1))
          // The same ranges as a service's own idle: and connect_timeout: in the policy.
          .idleTimeout(DurationText.parse("--idle-timeout", idleTimeout, ServiceBinding.MIN_IDLE, ServiceBinding.MAX_IDLE))
          .connectTimeout(DurationText.parse("--connect-timeout", connectTimeout, ServiceBinding.MIN_CONNECT_TIMEOUT,
              ServiceBinding.MAX_CONNECT_TIMEOUT))
          .connectRetries(between("--connect-retries", connectRetries, 0, GatewayConfig.MAX_CONNECT_RETRIES))
          .tcpKeepalive(tcpKeepalive())
          .udpIdleTimeout(DurationText.parse("--udp-idle-timeout", udpIdleTimeout, ServiceBinding.MIN_IDLE,
              ServiceBinding.MAX_IDLE))
          .resolveInterval(DurationText.parse("--resolve-interval", resolveInterval,
              GatewayConfig.MIN_RESOLVE_INTERVAL, GatewayConfig.MAX_RESOLVE_INTERVAL))
          .clientAlias(alias)
          .ioThreads(between("--io-threads", ioThreads, 0, GatewayConfig.MAX_IO_THREADS));
    } catch (IllegalArgumentException e) {
      throw new PorteException(ErrorCode.USAGE, e.getMessage(), e);
    }
  }

  /**
   * Every option checked, before anything starts: a bad value is a usage error that names the
   * option, not a half-started gateway (sample backends up, a banner printed) or a started server.
   */
  void check() {
    builder(listen);
    drain();
  }

  private static int atLeast(String option, int value, int min) {
    if (value < min) {
      throw new PorteException(ErrorCode.USAGE, option + " " + value + " is out of range (valid: " + min + " or more)");
    }
    return value;
  }

  private static int between(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new PorteException(ErrorCode.USAGE,
          option + " " + value + " is out of range (valid: " + min + " to " + max + ")");
    }
    return value;
  }

  /** The drain asked for, checked: a bad value is a usage error before anything starts. */
  Duration drain() {
    return DurationText.parse("--drain", drain, Duration.ZERO, Duration.ofSeconds(MAX_DRAIN_SECONDS));
  }

  /**
   * Stops {@code gateway} gracefully: when connections are open and a drain is asked for, says so
   * on {@code out}, refuses new clients and waits for the open ones (up to the drain, or until a
   * second Ctrl-C or SIGTERM hurries {@code signal}), then says how many are left for the close to
   * end.
   */
  void drain(Gateway gateway, PrintWriter out, ShutdownSignal signal) throws InterruptedException {
    Duration limit = drain();
    int open = gateway.openConnections();
    if (open == 0 || limit.isZero()) {
      return;
    }
    out.println("porte: stopping: no new connections; waiting up to " + DurationText.format(limit) + " for " + open
        + " open connection" + (open == 1 ? "" : "s") + " to finish"
        + (signal.canHurry() ? " (Ctrl-C again closes them now)" : ""));
    out.flush();
    int left = gateway.drain(limit, signal.hurried());
    if (left > 0) {
      String them = left == 1 ? "it" : "them";
      out.println("porte: " + left + " connection" + (left == 1 ? " is" : "s are") + " still open "
          + (signal.hurried().isDone() ? "and a second signal came: closing " + them + " now"
              : "after " + DurationText.format(limit) + ": closing " + them));
      out.flush();
    }
  }

  /**
   * Netty samples one buffer in 128 for leak tracking unless told otherwise, recording a stack
   * trace each time: a test's safety net, and a measurable cost per connection in a long-running
   * gateway (the benchmark found one trace per 13 connections). Serving turns it off unless
   * {@code -Dio.netty.leakDetection.level} asks for a level.
   */
  static void servingDefaults() {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /** {@code --tcp-keepalive}: off at 0 or "off", else a whole number of seconds the kernel takes. */
  private TcpKeepalive tcpKeepalive() {
    String text = tcpKeepalive.strip();
    if (text.equalsIgnoreCase("off")) {
      return TcpKeepalive.OFF;
    }
    Duration idle;
    try {
      idle = DurationText.parse("--tcp-keepalive", text, Duration.ZERO, TcpKeepalive.MAX_IDLE);
    } catch (PorteException e) {
      throw new PorteException(ErrorCode.USAGE, badKeepalive(text), e);
    }
    if (idle.toMillis() % 1000 != 0) {
      throw new PorteException(ErrorCode.USAGE, badKeepalive(text));
    }
    return new TcpKeepalive(idle);
  }

  /**
   * One message for every value the kernel cannot take (it counts keepalive in whole seconds), which
   * offers "off" too, a value of this option alone.
   */
  private static String badKeepalive(String text) {
    return "--tcp-keepalive '" + text + "' is not valid (valid: 0 or off, or whole seconds from 1s to "
        + TcpKeepalive.MAX_IDLE.toSeconds() + "s, such as 60, 60s or 5m)";
  }
}
