package dev.porte.core.registry;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Port;
import dev.porte.core.model.PortClass;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What {@code porte port X} shows: everything porte knows of a port, or of the ports of a name.
 *
 * <pre>
 * PortLookup.standard().lookup("3306");   // one report: mysql, tcp and udp; catalogue: database
 * PortLookup.standard().lookup("x11");    // 64 reports, 6000 to 6063
 * </pre>
 *
 * <p>Unlike {@link ServiceNames} this shows the whole registry, every protocol IANA lists. Immutable
 * and thread-safe.
 */
public final class PortLookup {
  private final ServiceCatalogue catalogue;
  private final Supplier<IanaRegistry> iana;

  PortLookup(ServiceCatalogue catalogue, Supplier<IanaRegistry> iana) {
    this.catalogue = catalogue;
    this.iana = iana;
  }

  /** porte's catalogue and the bundled IANA registry. */
  public static PortLookup standard() {
    return Standard.INSTANCE;
  }

  private static final class Standard {
    static final PortLookup INSTANCE = new PortLookup(ServiceCatalogue.load(), IanaRegistry::load);
  }

  /**
   * The reports for {@code query}: a port number ({@code "3306"}) gives one; a service name
   * ({@code "mysql"}, any case) gives one for each port the catalogue or IANA gives it, lowest
   * first.
   *
   * @throws PorteException INVALID_PORT for a number that is not a port ({@code "65536"}, {@code
   *     "-1"}); UNKNOWN_SERVICE for a name neither the catalogue nor IANA knows
   */
  public List<PortReport> lookup(String query) {
    if (query.isBlank()) {
      throw new PorteException(
          ErrorCode.INVALID_VALUE,
          "empty port lookup: '" + query + "' (write a port such as 3306 or a name such as mysql)");
    }
    if (isNumber(query)) {
      return List.of(report(Port.parse(query)));
    }
    IanaRegistry registry = iana.get();
    TreeSet<Integer> ports = new TreeSet<>();
    catalogue.find(query).ifPresent(
        service -> {
          for (PortSpec spec : service.ports()) {
            addAll(ports, spec.range());
          }
        });
    for (IanaEntry entry : registry.byName(query)) {
      addAll(ports, entry.ports());
    }
    if (ports.isEmpty()) {
      throw UnknownService.of(query, catalogue, registry);
    }
    List<PortReport> reports = new ArrayList<>(ports.size());
    for (int port : ports) {
      reports.add(report(port, registry));
    }
    return List.copyOf(reports);
  }

  /**
   * The report for one port.
   *
   * @throws PorteException INVALID_PORT if {@code port} is not 0-65535
   */
  public PortReport report(int port) {
    Port.check(port);
    return report(port, iana.get());
  }

  private PortReport report(int port, IanaRegistry registry) {
    return new PortReport(
        port, PortClass.of(port), registry.byPort(port), catalogue.byPort(Protocol.ANY, port));
  }

  /** The reports as {@code porte port} prints them, a blank line between two. */
  public static String render(List<PortReport> reports) {
    return PortReportFormat.render(reports);
  }

  /**
   * Numbers, signed numbers included, go to {@link Port#parse} for its exact errors ("port out of
   * range: 65536"); anything else is a name, even one that starts with a digit ({@code 3com-tsmux}).
   */
  private static boolean isNumber(String query) {
    int from = query.startsWith("-") || query.startsWith("+") ? 1 : 0;
    if (from == query.length()) {
      return false;
    }
    for (int i = from; i < query.length(); i++) {
      if (query.charAt(i) < '0' || query.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static void addAll(TreeSet<Integer> ports, PortRange range) {
    for (int port = range.lo(); port <= range.hi(); port++) {
      ports.add(port);
    }
  }
}
