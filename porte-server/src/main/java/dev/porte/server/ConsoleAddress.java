package dev.porte.server;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;

/**
 * Where the API and console listen: a host and a TCP port. Immutable; {@code parse(toString())}
 * round-trips.
 *
 * <pre>{@code
 * ConsoleAddress.parse("127.0.0.1:9474")
 * ConsoleAddress.parse("[::1]:9474")
 * ConsoleAddress.parse("0.0.0.0:0")   // every address, a free port
 * }</pre>
 */
public record ConsoleAddress(String host, int port) {
  /** 9474: IANA leaves it unassigned. */
  public static final int DEFAULT_PORT = 9474;

  public static final ConsoleAddress DEFAULT = new ConsoleAddress("127.0.0.1", DEFAULT_PORT);

  public ConsoleAddress {
    if (host.isBlank()) {
      throw new PorteException(ErrorCode.USAGE, "the console address has no host: ':" + port + "'");
    }
    if (port < 0 || port > 65535) {
      throw new PorteException(ErrorCode.INVALID_PORT, "port must be in [0, 65535]: " + port);
    }
  }

  public static ConsoleAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new PorteException(ErrorCode.USAGE, "expected HOST:PORT such as 127.0.0.1:9474, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new PorteException(ErrorCode.USAGE, "write an IPv6 host in brackets, as [::1]:9474, not '" + text + "'");
    }
    if (!port.matches("[0-9]{1,5}")) {
      throw new PorteException(ErrorCode.INVALID_PORT, "not a port in '" + text + "': '" + port + "' (0-65535)");
    }
    int number = Integer.parseInt(port);
    if (number > 65535) {
      throw new PorteException(ErrorCode.INVALID_PORT, "port out of range in '" + text + "': " + port + " (0-65535)");
    }
    return new ConsoleAddress(host, number);
  }

  /** True for 127.0.0.0/8, ::1 and localhost: only this host can reach the console. */
  public boolean isLoopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
