package dev.porte.gateway;

import dev.porte.core.model.Protocol;

/**
 * A service address the gateway does not listen on: the service's port and protocol as the policy
 * names them, the address it would listen on ({@code 127.0.0.1:18090}) and why not, and of which
 * {@link Kind} that is. The next reload tries it again.
 */
public record Unserved(Protocol protocol, int servicePort, String address, String reason, Kind kind) {
  /** Why a service address is not listened on. */
  public enum Kind {
    /** The bind failed, and the reason is the system's ({@code Address already in use}). */
    BIND_FAILED,
    /** The service's backend leads back into the gateway ({@link ServiceLoops}); the reason says the remedy. */
    LOOP,
    /** The port offset moves the service past 65535, so there is no port to listen on; the address has no port. */
    NO_PORT
  }

  /** One line: {@code 80/tcp on 0.0.0.0:80: Address already in use}. */
  public String text() {
    return servicePort + "/" + protocol + " on " + address + ": " + reason;
  }
}
