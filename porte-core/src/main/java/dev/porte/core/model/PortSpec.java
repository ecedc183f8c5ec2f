package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;

/**
 * One protocol and the ports of it a rule covers. The protocol is a real one (tcp, udp, icmp);
 * ICMP has no ports, so its range is always {@link PortRange#ALL}.
 *
 * <pre>"80/tcp", "8000-8080/udp", "tcp" (every TCP port), "icmp"</pre>
 */
public record PortSpec(Protocol protocol, PortRange range) {
  public PortSpec {
    if (protocol == Protocol.ANY) {
      throw new IllegalArgumentException("a port spec names a real protocol, not 'any'");
    }
    if (protocol == Protocol.ICMP && !range.isAll()) {
      throw new PorteException(
          ErrorCode.INVALID_PORT, "icmp has no ports: " + range + "/icmp (write just 'icmp')");
    }
  }

  public static PortSpec of(Protocol protocol, int port) {
    return new PortSpec(protocol, PortRange.of(port));
  }

  public static PortSpec all(Protocol protocol) {
    return new PortSpec(protocol, PortRange.ALL);
  }

  public boolean matches(Protocol flowProtocol, int port) {
    return flowProtocol == protocol && range.contains(port);
  }

  public boolean contains(PortSpec other) {
    return other.protocol == protocol && range.contains(other.range);
  }

  public boolean overlaps(PortSpec other) {
    return other.protocol == protocol && range.overlaps(other.range);
  }

  @Override
  public String toString() {
    return range.isAll() ? protocol.toString() : range + "/" + protocol;
  }
}
