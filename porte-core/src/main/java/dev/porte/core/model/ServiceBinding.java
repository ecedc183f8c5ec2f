package dev.porte.core.model;

import dev.porte.core.error.PorteException;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A service the gateway serves: it listens on {@code port} for {@code protocols} and relays to
 * {@code backendHost:backendPort}, opening each TCP connection to the backend with {@code proxy}'s
 * header. {@code idle}, when set, is how long a connection (or UDP session) of this service may
 * move no data before it is closed, in place of the gateway's default: an SSH session may sit for
 * hours where a web client should not hold a connection for minutes. {@code maxConnections}, when
 * set, caps the service's concurrent TCP connections, as HAProxy's {@code maxconn} on a server
 * protects a backend that takes only so many (MySQL's 151 by default). {@code connectTimeout} and
 * {@code retries}, when set, replace the gateway's for dialling this service's TCP backend, as
 * HAProxy's {@code timeout connect} and {@code retries} per backend: a backend across a slow link
 * gets longer, one that must fail fast gets no retries.
 */
public record ServiceBinding(int port, Set<Protocol> protocols, String backendHost, int backendPort, ProxyHeader proxy,
    @Nullable Duration idle, @Nullable Integer maxConnections, @Nullable Duration connectTimeout,
    @Nullable Integer retries, SourceLocation location) {
  /** The shortest idle timeout a service may set. */
  public static final Duration MIN_IDLE = Duration.ofSeconds(1);
  /** The longest idle timeout a service may set: a day, as on the command line. */
  public static final Duration MAX_IDLE = Duration.ofDays(1);
  /** The largest connection cap a service may set. */
  public static final int MAX_CONNECTIONS = 1_000_000;
  /** The shortest connect timeout, as on the command line. */
  public static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(1);
  /** The longest connect timeout, as on the command line. */
  public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofDays(1);
  /** The most retries of a backend dial: at the connect timeout each, a client may wait that long. */
  public static final int MAX_RETRIES = 100;

  public ServiceBinding {
    Port.check(port);
    Port.check(backendPort);
    protocols = Set.copyOf(protocols);
    if (idle != null && (idle.compareTo(MIN_IDLE) < 0 || idle.compareTo(MAX_IDLE) > 0)) {
      throw new IllegalArgumentException("idle timeout out of range: " + idle + " (valid: 1s to 1d)");
    }
    if (maxConnections != null && (maxConnections < 1 || maxConnections > MAX_CONNECTIONS)) {
      throw new IllegalArgumentException("connection cap out of range: " + maxConnections + " (valid: 1-" + MAX_CONNECTIONS + ")");
    }
    if (maxConnections != null && !protocols.contains(Protocol.TCP)) {
      throw new IllegalArgumentException("a connection cap is for TCP services, not " + protocols);
    }
    if (connectTimeout != null
        && (connectTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0 || connectTimeout.compareTo(MAX_CONNECT_TIMEOUT) > 0)) {
      throw new IllegalArgumentException("connect timeout out of range: " + connectTimeout + " (valid: 1ms to 1d)");
    }
    if (retries != null && (retries < 0 || retries > MAX_RETRIES)) {
      throw new IllegalArgumentException("retries out of range: " + retries + " (valid: 0-" + MAX_RETRIES + ")");
    }
    if ((connectTimeout != null || retries != null) && !protocols.contains(Protocol.TCP)) {
      throw new IllegalArgumentException("a connect timeout and retries are for TCP services, not " + protocols);
    }
    if (proxy != ProxyHeader.NONE && protocols.contains(Protocol.UDP)) {
      throw new IllegalArgumentException("the PROXY protocol header is for TCP services, not " + protocols);
    }
  }

  /** The service's own idle timeout, else {@code gatewayDefault}. */
  public Duration idleOr(Duration gatewayDefault) {
    return idle != null ? idle : gatewayDefault;
  }

  /** The service's own connect timeout, else {@code gatewayDefault}. */
  public Duration connectTimeoutOr(Duration gatewayDefault) {
    return connectTimeout != null ? connectTimeout : gatewayDefault;
  }

  /** The service's own number of retries, else {@code gatewayDefault}. */
  public int retriesOr(int gatewayDefault) {
    return retries != null ? retries : gatewayDefault;
  }

  public boolean serves(Protocol protocol, int servedPort) {
    return servedPort == port && protocols.contains(protocol);
  }

  /**
   * Whether the backend is given by host name rather than as an IP address: a name is looked up,
   * and may resolve elsewhere later.
   */
  public boolean backendByName() {
    try {
      IpAddress.parse(backendHost);
      return false;
    } catch (PorteException e) {
      return true;
    }
  }

  /** {@code "127.0.0.1:8080"}, with IPv6 hosts in brackets. */
  public String backend() {
    return (backendHost.indexOf(':') >= 0 ? "[" + backendHost + "]" : backendHost) + ":" + backendPort;
  }
}
