package dev.porte.core.registry;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Port;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * porte's own catalogue of common services with the protocols they really speak ({@code
 * services.yaml} beside this class): {@code http} is 80/tcp here, where IANA registers 80/udp too.
 * A policy's service names are read here first (see {@link ServiceNames}).
 *
 * <p>Invariants: names and aliases are unique across the catalogue, and no two services claim the
 * same port of the same protocol. Immutable and thread-safe; {@link #load()} reads the bundled file
 * once per JVM.
 *
 * <pre>
 * ServiceCatalogue.load().find("dns");               // domain = 53/tcp, 53/udp
 * ServiceCatalogue.load().kindOf(Protocol.TCP, 22);  // ADMIN
 * </pre>
 */
public final class ServiceCatalogue {
  static final String RESOURCE = "services.yaml";

  private final List<CatalogueService> all;
  private final Map<String, CatalogueService> byName;
  private final Map<Integer, CatalogueService> byPort;

  private ServiceCatalogue(List<CatalogueService> services) {
    this.all = List.copyOf(services);
    Map<String, CatalogueService> names = new HashMap<>();
    Map<Integer, CatalogueService> ports = new HashMap<>();
    for (CatalogueService service : all) {
      index(names, service.name(), "the name '" + service.name() + "'", service);
      for (String alias : service.aliases()) {
        index(names, alias, "the name '" + alias + "'", service);
      }
      for (PortSpec spec : service.ports()) {
        for (int port = spec.range().lo(); port <= spec.range().hi(); port++) {
          index(ports, CatalogueParser.key(spec.protocol(), port), port + "/" + spec.protocol(), service);
        }
      }
    }
    this.byName = Map.copyOf(names);
    this.byPort = Map.copyOf(ports);
  }

  /** The parser reports clashes with their lines; this guards the other ways in. */
  private static <K> void index(
      Map<K, CatalogueService> map, K key, String what, CatalogueService service) {
    CatalogueService other = map.putIfAbsent(key, service);
    if (other != null) {
      throw new PorteException(
          ErrorCode.DUPLICATE,
          "'" + other.name() + "' and '" + service.name() + "' both claim " + what
              + " (the catalogue gives each name and port to one service)");
    }
  }

  /** The catalogue bundled with porte, read on first call and shared afterwards. */
  public static ServiceCatalogue load() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final ServiceCatalogue INSTANCE = readBundled();
  }

  private static ServiceCatalogue readBundled() {
    try (InputStream in = ServiceCatalogue.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "porte's service catalogue is missing from the classpath: dev/porte/core/registry/"
                + RESOURCE + " (the porte-core jar is incomplete)");
      }
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read porte's service catalogue " + RESOURCE, e);
    }
  }

  /** Reads a catalogue in the format of {@code services.yaml}; {@code source} names it in errors. */
  static ServiceCatalogue parse(Reader yaml, String source) {
    return new ServiceCatalogue(CatalogueParser.parse(yaml, source));
  }

  /** A catalogue of the given services, checked as the file is. */
  static ServiceCatalogue of(List<CatalogueService> services) {
    return new ServiceCatalogue(services);
  }

  /** The service called {@code nameOrAlias}, in any case. */
  public Optional<CatalogueService> find(String nameOrAlias) {
    return Optional.ofNullable(byName.get(nameOrAlias.toLowerCase(Locale.ROOT)));
  }

  /**
   * The service that listens on {@code port} over {@code protocol}. For {@link Protocol#ANY} the
   * tcp service if there is one, else the udp one; ICMP has no ports and so no service.
   *
   * @throws PorteException (INVALID_PORT) if {@code port} is not 0-65535
   */
  public Optional<CatalogueService> byPort(Protocol protocol, int port) {
    Port.check(port);
    switch (protocol) {
      case TCP:
      case UDP:
        return Optional.ofNullable(byPort.get(CatalogueParser.key(protocol, port)));
      case ANY:
        return byPort(Protocol.TCP, port).or(() -> byPort(Protocol.UDP, port));
      default:
        return Optional.empty();
    }
  }

  /** The kind of the service on {@code port} over {@code protocol}; GENERAL when there is none. */
  public CatalogueService.Kind kindOf(Protocol protocol, int port) {
    return byPort(protocol, port).map(CatalogueService::kind).orElse(CatalogueService.Kind.GENERAL);
  }

  /** Every service, in the catalogue's order. */
  public List<CatalogueService> all() {
    return all;
  }

  /** Every name and alias, service by service in the catalogue's order: for suggestions. */
  List<String> names() {
    List<String> names = new ArrayList<>();
    for (CatalogueService service : all) {
      names.add(service.name());
      names.addAll(service.aliases());
    }
    return names;
  }

  @Override
  public String toString() {
    return "ServiceCatalogue[" + all.size() + " services]";
  }
}
