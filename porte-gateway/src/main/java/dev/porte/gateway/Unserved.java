package dev.porte.gateway;

import dev.porte.core.model.Protocol;

/**
 * A service address the gateway does not listen on: the service's port and protocol as the policy
 * names them, the address it would listen on ({@code 127.0.0.1:18090}) and why not, either as the
 * system said it when the bind failed ({@code Address already in use}) or, when {@code loop}, because
 * the service's backend leads back into the gateway ({@link ServiceLoops}). The next reload tries it
 * again.
 */
public record Unserved(Protocol protocol, int servicePort, String address, String reason, boolean loop) {
  /** One line: {@code 80/tcp on 0.0.0.0:80: Address already in use}. */
  public String text() {
    return servicePort + "/" + protocol + " on " + address + ": " + reason;
  }
}
