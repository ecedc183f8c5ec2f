package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.List;
import java.util.Locale;

/**
 * Transport protocols porte filters. {@code ICMP} stands for ICMP and ICMPv6 alike; {@code ANY} is
 * only a way of writing "every protocol" in a rule and never the protocol of a real flow.
 */
public enum Protocol {
  TCP,
  UDP,
  ICMP,
  ANY;

  /** The protocols a real flow can have. */
  public static final List<Protocol> CONCRETE = List.of(TCP, UDP, ICMP);

  public static Protocol parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "tcp":
        return TCP;
      case "udp":
        return UDP;
      case "icmp":
      case "icmpv6":
      case "ipv6-icmp":
        return ICMP;
      case "any":
      case "all":
        return ANY;
      default:
        throw new PorteException(
            ErrorCode.INVALID_PROTOCOL,
            "unknown protocol: '" + text + "' (valid: tcp, udp, icmp, any)");
    }
  }

  /** True for the protocols that have port numbers. */
  public boolean hasPorts() {
    return this == TCP || this == UDP;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
