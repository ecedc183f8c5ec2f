package dev.porte.gateway;

import dev.porte.core.model.Protocol;

/**
 * A service whose backend's host name does not resolve: its door is listened on, but each client
 * is closed at once until the name resolves (the gateway looks it up again every {@link
 * GatewayConfig#resolveInterval()}).
 */
public record UnresolvedBackend(Protocol protocol, int servicePort, String backend) {
  /** One line: {@code 5432/tcp: backend db.internal:5432 does not resolve}. */
  public String text() {
    return servicePort + "/" + protocol + ": backend " + backend + " does not resolve";
  }
}
