package dev.porte.core.lint;

import dev.porte.core.model.Protocol;

/** A port that should not face the whole internet: remote administration or a database. */
public record SensitivePort(String service, Protocol protocol, int port, String what) {
  /** {@code "ssh (22/tcp, remote administration)"}. */
  public String describe() {
    return service + " (" + port + "/" + protocol + ", " + what + ")";
  }
}
