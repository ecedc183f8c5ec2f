package dev.porte.gateway;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.ServiceBinding;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Gateway} listens and how much it admits. Immutable; build one with {@link
 * #builder()}. Values are validated by {@link Builder#build()}: an impossible value throws an
 * {@link IllegalArgumentException} that quotes it.
 *
 * <pre>
 * GatewayConfig config = GatewayConfig.builder()
 *     .bind(List.of(InetAddress.getLoopbackAddress()))
 *     .listenPort(port -> port + 10000)        // serve 80 on 10080
 *     .maxConnectionsPerSource(100)
 *     .build();
 * </pre>
 *
 * <p><b>Client aliases.</b> Loopback clients are always allowed (DESIGN.md, "Connections"), so
 * on one machine every client would pass. {@link Builder#clientAlias} lets the demo and the tests
 * say "judge connections from 127.0.0.2 as if they came from 198.51.100.7"; production leaves the
 * map empty and every client is judged by its real address.
 *
 * <p>Thread-safe: immutable.
 */
public final class GatewayConfig {
  /** The most {@link Builder#connectRetries} takes: at the connect timeout each, a client may wait that long. */
  public static final int MAX_CONNECT_RETRIES = ServiceBinding.MAX_RETRIES;
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(1);
  /**
   * The most I/O threads: each has a ring and a listening socket of its own, and 1,024 of them
   * exhausted the launcher's 192 MB heap at start, where 256 start and serve.
   */
  public static final int MAX_IO_THREADS = 256;
  /** The shortest and longest {@link #resolveInterval()}. */
  public static final Duration MIN_RESOLVE_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MAX_RESOLVE_INTERVAL = Duration.ofDays(1);

  private final List<InetAddress> bind;
  private final IntUnaryOperator listenPort;
  private final Duration connectTimeout;
  private final int connectRetries;
  private final Duration idleTimeout;
  private final TcpKeepalive tcpKeepalive;
  private final Duration udpIdleTimeout;
  private final Duration resolveInterval;
  private final BackendResolver resolver;
  private final int maxConnections;
  private final int maxConnectionsPerSource;
  private final int maxUdpSessions;
  // A cap not given follows the open-file limit (FileDescriptors.defaults); a given one may ask
  // for more descriptors than the limit holds, and the start then says so.
  private final boolean maxConnectionsGiven;
  private final boolean maxUdpSessionsGiven;
  private final Map<IpAddress, IpAddress> clientAliases;
  private final LongSupplier ticker;
  private final int ioThreads;
  private final ConnectionRecord.Listener listener;

  private GatewayConfig(Builder b) {
    this.bind = List.copyOf(b.bind);
    this.listenPort = b.listenPort;
    this.connectTimeout = b.connectTimeout;
    this.connectRetries = b.connectRetries;
    this.idleTimeout = b.idleTimeout;
    this.tcpKeepalive = b.tcpKeepalive;
    this.udpIdleTimeout = b.udpIdleTimeout;
    this.resolveInterval = b.resolveInterval;
    this.resolver = b.resolver;
    this.maxConnectionsGiven = b.maxConnections != null;
    this.maxUdpSessionsGiven = b.maxUdpSessions != null;
    FileDescriptors.Caps fit = capsFollowLimit() ? FileDescriptors.defaults(FileDescriptors.limit(), FileDescriptors.open())
        : new FileDescriptors.Caps(FileDescriptors.MAX_CONNECTIONS, FileDescriptors.MAX_UDP_SESSIONS);
    this.maxConnections = b.maxConnections != null ? b.maxConnections : fit.connections();
    this.maxConnectionsPerSource = b.maxConnectionsPerSource;
    this.maxUdpSessions = b.maxUdpSessions != null ? b.maxUdpSessions : fit.udpSessions();
    this.clientAliases = Map.copyOf(b.clientAliases);
    this.ticker = b.ticker;
    this.ioThreads = b.ioThreads;
    this.listener = b.listener;
  }

  /** Who hears of every decided connection (the connection log of {@code porte serve}). */
  public ConnectionRecord.Listener listener() {
    return listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The addresses every listener binds; empty means the dual-stack wildcard {@code ::}. */
  public List<InetAddress> bind() {
    return bind;
  }

  /** The port to listen on for a service port (0 = any free port, which tests use). */
  public int listenPort(int servicePort) {
    return listenPort.applyAsInt(servicePort);
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How many times a backend that refused or did not answer is dialled again before the client's
   * connection is closed: HAProxy's {@code retries}, 3 unless set, so that a backend restarting
   * costs its clients a wait and not their connections.
   */
  public int connectRetries() {
    return connectRetries;
  }

  /**
   * The wait before dialling again: HAProxy's turn-around timer, the connect timeout but at most a
   * second, so that a restarting backend is not hammered and a short connect timeout waits less.
   */
  public Duration retryDelay() {
    return retryDelay(connectTimeout);
  }

  /** {@link #retryDelay()} for a service that sets a connect timeout of its own. */
  static Duration retryDelay(Duration connectTimeout) {
    return connectTimeout.compareTo(MAX_RETRY_DELAY) < 0 ? connectTimeout : MAX_RETRY_DELAY;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Keepalive probes on the clients' connections, and on the backends' once quiet ({@code --tcp-keepalive}). */
  public TcpKeepalive tcpKeepalive() {
    return tcpKeepalive;
  }

  public Duration udpIdleTimeout() {
    return udpIdleTimeout;
  }

  /**
   * How often the backends' host names are looked up again, so that a name that did not resolve
   * at load is served once it does, and a backend that moved (a container restarted with a new
   * address) is followed without a reload.
   */
  public Duration resolveInterval() {
    return resolveInterval;
  }

  BackendResolver resolver() {
    return resolver;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** Connections one client address may hold; also the UDP sessions it may hold. */
  public int maxConnectionsPerSource() {
    return maxConnectionsPerSource;
  }

  /**
   * UDP sessions in all. Each holds a socket towards the backend, so without a cap a client
   * sending from many source ports would take every file descriptor, TCP's too.
   */
  public int maxUdpSessions() {
    return maxUdpSessions;
  }

  /** True when {@link #maxConnections()} was given rather than set from the open-file limit. */
  public boolean maxConnectionsGiven() {
    return maxConnectionsGiven;
  }

  /** True when {@link #maxUdpSessions()} was given rather than set from the open-file limit. */
  public boolean maxUdpSessionsGiven() {
    return maxUdpSessionsGiven;
  }

  /** True when a cap was not given and was set from the open-file limit. */
  public boolean capsFollowLimit() {
    return !maxConnectionsGiven || !maxUdpSessionsGiven;
  }

  /** True when a cap was given rather than set from the open-file limit. */
  public boolean capsGiven() {
    return maxConnectionsGiven || maxUdpSessionsGiven;
  }

  /** The address a client is judged by: its alias when it has one, else itself. */
  public IpAddress judgedAs(IpAddress client) {
    return clientAliases.getOrDefault(client, client);
  }

  public Map<IpAddress, IpAddress> clientAliases() {
    return clientAliases;
  }

  /** Monotonic nanoseconds for UDP session expiry; tests inject a fake one. */
  public LongSupplier ticker() {
    return ticker;
  }

  /**
   * Event loop threads: as set, or when set to 0 twice the cores (Netty's default), but at most
   * {@link #MAX_IO_THREADS} on a machine with more than 128 cores.
   */
  public int ioThreads() {
    return ioThreads != 0 ? ioThreads : Math.min(2 * Runtime.getRuntime().availableProcessors(), MAX_IO_THREADS);
  }

  /** Collects settings; not thread-safe. */
  public static final class Builder {
    private List<InetAddress> bind = List.of();
    private IntUnaryOperator listenPort = IntUnaryOperator.identity();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int connectRetries = 3;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private TcpKeepalive tcpKeepalive = TcpKeepalive.DEFAULT;
    private Duration udpIdleTimeout = Duration.ofSeconds(60);
    private Duration resolveInterval = Duration.ofSeconds(30);
    private BackendResolver resolver = BackendResolver.SYSTEM;
    // Unset: as many as the open-file limit holds, up to FileDescriptors.MAX_CONNECTIONS and
    // MAX_UDP_SESSIONS, as HAProxy derives maxconn from it.
    private @Nullable Integer maxConnections;
    private int maxConnectionsPerSource = 1_000;
    private @Nullable Integer maxUdpSessions;
    private Map<IpAddress, IpAddress> clientAliases = Map.of();
    private LongSupplier ticker = System::nanoTime;
    private int ioThreads;
    private ConnectionRecord.Listener listener = ConnectionRecord.Listener.NONE;

    private Builder() {}

    /** Hears of every decided connection; it runs on event-loop threads and must not block. */
    public Builder listener(ConnectionRecord.Listener value) {
      this.listener = java.util.Objects.requireNonNull(value);
      return this;
    }

    public Builder bind(List<InetAddress> addresses) {
      this.bind = List.copyOf(addresses);
      return this;
    }

    public Builder listenPort(IntUnaryOperator mapping) {
      this.listenPort = Objects.requireNonNull(mapping, "listenPort");
      return this;
    }

    /** Listens on service port + {@code offset}: {@code --port-offset 10000} serves 80 on 10080. */
    public Builder portOffset(int offset) {
      if (offset < 0 || offset > 65535) {
        throw new IllegalArgumentException("port offset must be in [0, 65535]: " + offset);
      }
      return listenPort(port -> {
        int mapped = port + offset;
        if (mapped > 65535) {
          throw new IllegalArgumentException("service port " + port + " + offset " + offset + " is past 65535");
        }
        return mapped;
      });
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive("connect timeout", value);
      return this;
    }

    public Builder connectRetries(int value) {
      if (value < 0 || value > MAX_CONNECT_RETRIES) {
        throw new IllegalArgumentException("connect retries must be 0 to " + MAX_CONNECT_RETRIES + ": " + value);
      }
      this.connectRetries = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      this.idleTimeout = positive("idle timeout", value);
      return this;
    }

    public Builder tcpKeepalive(TcpKeepalive value) {
      this.tcpKeepalive = Objects.requireNonNull(value, "tcpKeepalive");
      return this;
    }

    public Builder udpIdleTimeout(Duration value) {
      this.udpIdleTimeout = positive("UDP idle timeout", value);
      return this;
    }

    public Builder resolveInterval(Duration value) {
      if (value.compareTo(MIN_RESOLVE_INTERVAL) < 0 || value.compareTo(MAX_RESOLVE_INTERVAL) > 0) {
        throw new IllegalArgumentException("resolve interval must be 1s to 1d: " + value);
      }
      this.resolveInterval = value;
      return this;
    }

    /** Where backend names are looked up; the system's resolver unless a test says otherwise. */
    Builder resolver(BackendResolver value) {
      this.resolver = Objects.requireNonNull(value, "resolver");
      return this;
    }

    public Builder maxConnections(int value) {
      this.maxConnections = atLeastOne("max connections", value);
      return this;
    }

    public Builder maxConnectionsPerSource(int value) {
      this.maxConnectionsPerSource = atLeastOne("max connections per source", value);
      return this;
    }

    public Builder maxUdpSessions(int value) {
      this.maxUdpSessions = atLeastOne("max UDP sessions", value);
      return this;
    }

    public Builder clientAlias(Map<IpAddress, IpAddress> aliases) {
      this.clientAliases = Map.copyOf(aliases);
      return this;
    }

    public Builder ticker(LongSupplier value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    public Builder ioThreads(int value) {
      if (value < 0 || value > MAX_IO_THREADS) {
        throw new IllegalArgumentException("io threads must be 0 (default) to " + MAX_IO_THREADS + ": " + value);
      }
      this.ioThreads = value;
      return this;
    }

    public GatewayConfig build() {
      return new GatewayConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
      return value;
    }
  }
}
