package dev.porte.core.model;

/**
 * What is asked of a verdict: a direction, a real protocol, the remote address (the client for
 * inbound, the destination for outbound) and the port (our local port for inbound, the remote
 * port for outbound). ICMP has no port; it is always 0.
 */
public record Flow(Direction direction, Protocol protocol, IpAddress remote, int port) {
  public Flow {
    if (protocol == Protocol.ANY) {
      throw new IllegalArgumentException("a flow has a real protocol (tcp, udp, icmp), not 'any'");
    }
    Port.check(port);
    if (protocol == Protocol.ICMP) {
      port = 0;
    }
  }

  public static Flow inbound(Protocol protocol, int port, IpAddress from) {
    return new Flow(Direction.INBOUND, protocol, from, port);
  }

  public static Flow outbound(Protocol protocol, int port, IpAddress to) {
    return new Flow(Direction.OUTBOUND, protocol, to, port);
  }

  /** {@code "22/tcp"} or {@code "icmp"}. */
  public String portText() {
    return protocol == Protocol.ICMP ? "icmp" : port + "/" + protocol;
  }

  /** {@code "inbound 22/tcp from 198.51.100.7"}. */
  @Override
  public String toString() {
    return direction + " " + portText() + " " + direction.remoteWord() + " " + remote;
  }
}
