package dev.porte.core.registry;

import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;

/** Port specs written as text in tests: {@code "80/tcp"}, {@code "6000-6063/udp"}, {@code "icmp"}. */
final class Specs {
  private Specs() {}

  static PortSpec spec(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return PortSpec.all(Protocol.parse(text));
    }
    return new PortSpec(
        Protocol.parse(text.substring(slash + 1)), PortRange.parse(text.substring(0, slash)));
  }
}
