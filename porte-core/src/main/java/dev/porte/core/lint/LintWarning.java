package dev.porte.core.lint;

import dev.porte.core.model.SourceLocation;

/** One warning: what kind, where (the rule it concerns), and one sentence of what and why. */
public record LintWarning(Kind kind, SourceLocation location, String message) {
  /** Stable names; scripts may filter on them. */
  public enum Kind {
    /** Filtered mode: an inbound port is allowed but the outbound rules block what it sends back. */
    REPLIES_BLOCKED,
    /** Stateful mode: replies leave although the outbound rules would block them in filtered mode. */
    REPLIES_UNFILTERED,
    /** A rule that can never decide: rules that win over it cover every flow it matches. */
    SHADOWED,
    /** A rule written twice. */
    DUPLICATE,
    /** A remote administration or database port open to the whole internet. */
    EXPOSED,
    /** An inbound port allowed where the policy defines no service behind it. */
    NO_SERVICE,
    /** A service that no inbound rule allows, under a blocking default: every client is turned away. */
    SERVICE_CLOSED,
    /** A service whose backend leads back to the gateway's own port: it would dial itself without end. */
    SERVICE_LOOP
  }

  /** {@code porte.yaml:12: warning [shadowed]: ...}. */
  @Override
  public String toString() {
    String where = location.isKnown() ? location.file() + ":" + location.line() : location.file();
    return where + ": warning [" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "]: " + message;
  }
}
