package dev.porte.core.registry;

import dev.porte.core.model.PortSpec;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a service name in a policy stands for: the ports it opens and where porte learnt them.
 *
 * <p>Invariants: {@code name} is non-empty (the catalogue's name, or IANA's spelling of it);
 * {@code ports} is a non-empty unmodifiable list of tcp or udp port specs; {@code source} is
 * {@link #CATALOGUE} or {@link #IANA}. Immutable and thread-safe.
 *
 * @param name the service's name
 * @param ports the ports and protocols the name stands for
 * @param source {@code "catalogue"} or {@code "IANA registry"}
 */
public record ResolvedService(String name, List<PortSpec> ports, String source) {
  /** The source of names found in porte's own catalogue. */
  public static final String CATALOGUE = "catalogue";

  /** The source of names found only in the IANA registry. */
  public static final String IANA = "IANA registry";

  public ResolvedService {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a resolved service has a name");
    }
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("service '" + name + "' resolved to no ports");
    }
    if (!source.equals(CATALOGUE) && !source.equals(IANA)) {
      throw new IllegalArgumentException(
          "unknown source: '" + source + "' (valid: " + CATALOGUE + ", " + IANA + ")");
    }
    ports = List.copyOf(ports);
  }

  /** {@code "http = 80/tcp"}, {@code "domain = 53/tcp, 53/udp"}: what {@code check} shows. */
  public String expansion() {
    return name + " = " + ports.stream().map(PortSpec::toString).collect(Collectors.joining(", "));
  }
}
