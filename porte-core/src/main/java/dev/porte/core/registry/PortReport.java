package dev.porte.core.registry;

import dev.porte.core.model.Port;
import dev.porte.core.model.PortClass;
import java.util.List;
import java.util.Optional;

/**
 * What porte knows about one port: its class, what the IANA registry says of it (in the order of
 * {@link IanaRegistry#byPort}) and porte's catalogue service on it, if any.
 *
 * <p>Invariants: {@code port} is 0-65535 and {@code portClass} is its class; {@code entries} is an
 * unmodifiable list. Immutable and thread-safe.
 *
 * @param port the port number
 * @param portClass well-known, registered or dynamic
 * @param entries the IANA rows that cover the port
 * @param catalogue the catalogue's service on the port (tcp first, then udp)
 */
public record PortReport(
    int port, PortClass portClass, List<IanaEntry> entries, Optional<CatalogueService> catalogue) {

  public PortReport {
    Port.check(port);
    if (portClass != PortClass.of(port)) {
      throw new IllegalArgumentException(
          "port " + port + " is " + PortClass.of(port) + ", not " + portClass);
    }
    entries = List.copyOf(entries);
  }

  /**
   * Human text, as {@code porte port} prints it:
   *
   * <pre>
   * 3306  registered (1024-49151)
   *   mysql        tcp, udp   MySQL
   *   catalogue:   mysql = 3306/tcp (database)
   * </pre>
   */
  public String render() {
    return PortReportFormat.render(this);
  }
}
