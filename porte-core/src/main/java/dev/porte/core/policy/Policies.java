package dev.porte.core.policy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.util.List;

/** TEMPORARY until the registry branch lands. */
public final class Policies {
  private Policies() {}

  public static PolicyParser parser() {
    return new PolicyParser(Policies::resolve);
  }

  public static ServiceResolver services() {
    return Policies::resolve;
  }

  static List<PortSpec> resolve(String name) {
    switch (name) {
      case "http": return List.of(PortSpec.of(Protocol.TCP, 80));
      case "http/udp": return List.of(PortSpec.of(Protocol.UDP, 80));
      case "ssh": return List.of(PortSpec.of(Protocol.TCP, 22));
      case "mysql": return List.of(PortSpec.of(Protocol.TCP, 3306));
      case "domain": return List.of(PortSpec.of(Protocol.TCP, 53), PortSpec.of(Protocol.UDP, 53));
      case "https": return List.of(PortSpec.of(Protocol.TCP, 443), PortSpec.of(Protocol.UDP, 443));
      default: throw new PorteException(ErrorCode.UNKNOWN_SERVICE, "unknown service: '" + name + "'");
    }
  }
}
