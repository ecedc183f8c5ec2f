package dev.porte.core.model;

import java.util.Set;

/**
 * A service the gateway serves: it listens on {@code port} for {@code protocols} and relays to
 * {@code backendHost:backendPort}, opening each TCP connection to the backend with {@code proxy}'s
 * header.
 */
public record ServiceBinding(
    int port, Set<Protocol> protocols, String backendHost, int backendPort, ProxyHeader proxy, SourceLocation location) {
  public ServiceBinding {
    Port.check(port);
    Port.check(backendPort);
    protocols = Set.copyOf(protocols);
    if (proxy != ProxyHeader.NONE && protocols.contains(Protocol.UDP)) {
      throw new IllegalArgumentException("the PROXY protocol header is for TCP services, not " + protocols);
    }
  }

  public boolean serves(Protocol protocol, int servedPort) {
    return servedPort == port && protocols.contains(protocol);
  }

  /** {@code "127.0.0.1:8080"}, with IPv6 hosts in brackets. */
  public String backend() {
    return (backendHost.indexOf(':') >= 0 ? "[" + backendHost + "]" : backendHost) + ":" + backendPort;
  }
}
