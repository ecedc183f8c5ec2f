package dev.porte.core.registry;

import dev.porte.core.model.PortRange;
import dev.porte.core.model.Protocol;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the IANA port registry that has a port number.
 *
 * <p>Invariants: {@code name} is {@code ""} for reserved and unassigned rows and otherwise has no
 * surrounding spaces; {@code transport} is one of {@code "tcp"}, {@code "udp"}, {@code "sctp"},
 * {@code "dccp"}, or {@code ""} where IANA names none; {@code description} has its runs of white
 * space (including the line breaks of multi-line CSV fields) folded into single spaces; {@code
 * alias} is true for rows whose notes say they are an alias to, or a duplicate of, another name
 * ({@code www} and {@code www-http} for {@code http}). Immutable and thread-safe.
 *
 * @param name the service name, or {@code ""} when the row names none
 * @param ports the port or range the row registers
 * @param transport the transport protocol, lower case, or {@code ""}
 * @param description IANA's description, folded onto one line
 * @param alias whether the row is an alias of another name
 */
public record IanaEntry(
    String name, PortRange ports, String transport, String description, boolean alias) {

  /** The transports the registry uses, in the order porte lists them. */
  static final Set<String> TRANSPORTS = Set.of("tcp", "udp", "sctp", "dccp", "");

  public IanaEntry {
    if (!name.equals(name.strip())) {
      throw new IllegalArgumentException("service name has surrounding spaces: '" + name + "'");
    }
    if (!TRANSPORTS.contains(transport)) {
      throw new IllegalArgumentException(
          "unknown transport: '" + transport + "' (valid: tcp, udp, sctp, dccp or empty)");
    }
  }

  /** True unless this is a reserved or unassigned row. */
  public boolean named() {
    return !name.isEmpty();
  }

  /** The porte protocol of this row: tcp or udp; empty for sctp, dccp and rows without one. */
  public Optional<Protocol> protocol() {
    switch (transport) {
      case "tcp":
        return Optional.of(Protocol.TCP);
      case "udp":
        return Optional.of(Protocol.UDP);
      default:
        return Optional.empty();
    }
  }

  /** Sort rank of a transport: tcp, udp, sctp, dccp, then none. */
  static int transportRank(String transport) {
    switch (transport) {
      case "tcp":
        return 0;
      case "udp":
        return 1;
      case "sctp":
        return 2;
      case "dccp":
        return 3;
      default:
        return 4;
    }
  }
}
