package dev.porte.core.registry;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How a policy reads a service name (DESIGN.md, "Service names in a policy"): a name means the
 * protocols the service really speaks, not every protocol IANA registered for it.
 *
 * <ol>
 *   <li>A name (or alias) in porte's {@link ServiceCatalogue} means the catalogue's ports: {@code
 *       http} is 80/tcp, {@code domain} 53/tcp and 53/udp, {@code https} 443/tcp and 443/udp.
 *   <li>Any other name the IANA registry lists means its TCP ports where IANA registers TCP, else
 *       its UDP ports. A name registered only for sctp or dccp, which porte does not filter, is an
 *       error.
 *   <li>{@code name/tcp} or {@code name/udp} says the protocol: the service's ports (from the
 *       catalogue, else from any IANA registration of the name) over that protocol.
 * </ol>
 *
 * <pre>
 * ServiceNames.standard().resolve("http").expansion();      // "http = 80/tcp"
 * ServiceNames.standard().resolve("http/udp").expansion();  // "http = 80/udp"
 * </pre>
 *
 * <p>The IANA registry is read only when a name is not in the catalogue. Immutable and
 * thread-safe.
 */
public final class ServiceNames {
  private final ServiceCatalogue catalogue;
  private final Supplier<IanaRegistry> iana;

  ServiceNames(ServiceCatalogue catalogue, Supplier<IanaRegistry> iana) {
    this.catalogue = catalogue;
    this.iana = iana;
  }

  /** porte's catalogue, then the bundled IANA registry (read on first need). */
  public static ServiceNames standard() {
    return Standard.INSTANCE;
  }

  private static final class Standard {
    static final ServiceNames INSTANCE =
        new ServiceNames(ServiceCatalogue.load(), IanaRegistry::load);
  }

  /**
   * The ports {@code text} stands for: {@code name}, {@code name/tcp} or {@code name/udp}, the
   * name in any case.
   *
   * @throws PorteException UNKNOWN_SERVICE for a name neither the catalogue nor IANA knows (with
   *     close names to suggest), or one IANA registers only for sctp or dccp; INVALID_PROTOCOL for a
   *     protocol other than tcp or udp after the slash
   */
  public ResolvedService resolve(String text) {
    Named named = Named.parse(text);
    var fromCatalogue = catalogue.find(named.name);
    if (fromCatalogue.isPresent()) {
      CatalogueService service = fromCatalogue.get();
      List<PortSpec> ports =
          named.protocol == null ? service.ports() : over(named.protocol, rangesOf(service));
      return new ResolvedService(service.name(), ports, ResolvedService.CATALOGUE);
    }
    IanaRegistry registry = iana.get();
    List<IanaEntry> rows = registry.byName(named.name);
    if (rows.isEmpty()) {
      throw UnknownService.of(named.name, catalogue, registry);
    }
    String name = rows.get(0).name();
    if (named.protocol != null) {
      return new ResolvedService(name, over(named.protocol, ranges(rows, null)), ResolvedService.IANA);
    }
    for (Protocol protocol : List.of(Protocol.TCP, Protocol.UDP)) {
      Set<PortRange> ranges = ranges(rows, protocol.toString());
      if (!ranges.isEmpty()) {
        return new ResolvedService(name, over(protocol, ranges), ResolvedService.IANA);
      }
    }
    Set<String> transports = registry.transportsOf(name);
    if (!transports.isEmpty()) {
      throw new PorteException(
          ErrorCode.UNKNOWN_SERVICE,
          "service '" + name + "' is registered only for " + String.join(" and ", transports)
              + ", which porte does not filter (valid: tcp or udp services)");
    }
    // Some old rows register a port with no transport at all (boe-cms, 6400).
    throw new PorteException(
        ErrorCode.UNKNOWN_SERVICE,
        "service '" + name + "' is registered for port " + rows.get(0).ports()
            + " without a protocol (write " + name + "/tcp or " + name + "/udp)");
  }

  private static Set<PortRange> rangesOf(CatalogueService service) {
    Set<PortRange> ranges = new LinkedHashSet<>();
    for (PortSpec spec : service.ports()) {
      ranges.add(spec.range());
    }
    return ranges;
  }

  /** The distinct ranges of {@code rows} over {@code transport} (any when null), lowest first. */
  private static Set<PortRange> ranges(List<IanaEntry> rows, @Nullable String transport) {
    List<PortRange> ranges = new ArrayList<>();
    for (IanaEntry row : rows) {
      if (transport == null || row.transport().equals(transport)) {
        ranges.add(row.ports());
      }
    }
    ranges.sort(Comparator.comparingInt(PortRange::lo).thenComparingInt(PortRange::hi));
    return new LinkedHashSet<>(ranges);
  }

  private static List<PortSpec> over(Protocol protocol, Set<PortRange> ranges) {
    List<PortSpec> specs = new ArrayList<>(ranges.size());
    for (PortRange range : ranges) {
      specs.add(new PortSpec(protocol, range));
    }
    return specs;
  }

  /** A service name and the protocol written after it, if any: {@code "http/udp"}. */
  private static final class Named {
    final String name;
    final @Nullable Protocol protocol;

    private Named(String name, @Nullable Protocol protocol) {
      this.name = name;
      this.protocol = protocol;
    }

    static Named parse(String text) {
      if (text.isBlank()) {
        throw new PorteException(
            ErrorCode.UNKNOWN_SERVICE,
            "empty service name: '" + text + "' (write a name such as ssh, or http/udp)");
      }
      int slash = text.lastIndexOf('/');
      if (slash < 0) {
        return new Named(text, null);
      }
      String name = text.substring(0, slash);
      if (name.isBlank()) {
        throw new PorteException(
            ErrorCode.UNKNOWN_SERVICE,
            "no service name before the protocol in '" + text + "' (write e.g. http/udp)");
      }
      String suffix = text.substring(slash + 1).toLowerCase(Locale.ROOT);
      switch (suffix) {
        case "tcp":
          return new Named(name, Protocol.TCP);
        case "udp":
          return new Named(name, Protocol.UDP);
        case "sctp":
        case "dccp":
        case "icmp":
        case "icmpv6":
        case "any":
        case "all":
          throw new PorteException(
              ErrorCode.INVALID_PROTOCOL,
              "bad protocol in '" + text + "': a service name takes tcp or udp (write " + name
                  + "/tcp or " + name + "/udp, or just " + name + ")");
        default:
          // IANA has names with a slash in them ("cl/1", "914c/g"): the whole text is the name.
          return new Named(text, null);
      }
    }
  }
}
