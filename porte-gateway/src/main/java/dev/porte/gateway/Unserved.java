package dev.porte.gateway;

import dev.porte.core.model.Protocol;

/**
 * A service address the gateway could not listen on: the service's port and protocol as the
 * policy names them, the address it tried ({@code 127.0.0.1:18090}) and why it failed, as the
 * system said it ({@code Address already in use}). The next reload tries it again.
 */
public record Unserved(Protocol protocol, int servicePort, String address, String reason) {
  /** One line: {@code 80/tcp on 0.0.0.0:80: Address already in use}. */
  public String text() {
    return servicePort + "/" + protocol + " on " + address + ": " + reason;
  }
}
