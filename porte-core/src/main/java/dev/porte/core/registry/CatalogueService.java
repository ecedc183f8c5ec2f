package dev.porte.core.registry;

import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A service of porte's catalogue: its name, the ports and protocols it really speaks, other names
 * for it, and what kind of service it is.
 *
 * <p>Invariants: {@code name} and every alias are non-empty and lower case, and no alias repeats
 * the name; {@code ports} is non-empty and names tcp or udp ports only. The collections are
 * unmodifiable copies, the aliases in the order given. Immutable and thread-safe.
 *
 * <pre>ssh = 22/tcp (admin); domain = 53/tcp, 53/udp (also: dns)</pre>
 *
 * @param name the service's name, as a policy writes it
 * @param ports what the service listens on
 * @param aliases other names a policy may use for it
 * @param kind what kind of service it is
 */
public record CatalogueService(String name, List<PortSpec> ports, Set<String> aliases, Kind kind) {

  /** What a service is for, as far as lint cares: remote administration and data stores. */
  public enum Kind {
    GENERAL,
    ADMIN,
    DATABASE;

    /** {@code "general"}, {@code "admin"}, {@code "database"}: how the catalogue writes it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public CatalogueService {
    requireName(name, "service name");
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("service '" + name + "' has no ports");
    }
    for (PortSpec spec : ports) {
      if (!spec.protocol().hasPorts()) {
        throw new IllegalArgumentException(
            "service '" + name + "' names " + spec + " (valid: tcp or udp ports)");
      }
    }
    for (String alias : aliases) {
      requireName(alias, "alias of '" + name + "'");
      if (alias.equals(name)) {
        throw new IllegalArgumentException("service '" + name + "' is its own alias");
      }
    }
    ports = List.copyOf(ports);
    aliases = Collections.unmodifiableSet(new LinkedHashSet<>(aliases));
  }

  private static void requireName(String text, String what) {
    if (text.isEmpty() || !text.equals(text.toLowerCase(Locale.ROOT)) || !text.equals(text.strip())) {
      throw new IllegalArgumentException(
          what + " must be non-empty lower case without spaces: '" + text + "'");
    }
  }

  /** True if {@code nameOrAlias} (any case) is this service's name or one of its aliases. */
  public boolean isCalled(String nameOrAlias) {
    String lower = nameOrAlias.toLowerCase(Locale.ROOT);
    return name.equals(lower) || aliases.contains(lower);
  }

  /** True if the service listens on {@code port} over {@code protocol}. */
  public boolean serves(Protocol protocol, int port) {
    for (PortSpec spec : ports) {
      if (spec.matches(protocol, port)) {
        return true;
      }
    }
    return false;
  }

  /** {@code "domain = 53/tcp, 53/udp"}. */
  public String expansion() {
    return name + " = " + ports.stream().map(PortSpec::toString).collect(Collectors.joining(", "));
  }

  /** {@code "postgresql = 5432/tcp (database; also: postgres)"}, as {@code porte port} shows it. */
  public String summary() {
    StringBuilder notes = new StringBuilder();
    if (kind != Kind.GENERAL) {
      notes.append(kind.label());
    }
    if (!aliases.isEmpty()) {
      notes.append(notes.length() > 0 ? "; " : "").append("also: ").append(String.join(", ", aliases));
    }
    return notes.length() == 0 ? expansion() : expansion() + " (" + notes + ")";
  }
}
