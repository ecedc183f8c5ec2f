package dev.porte.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One rule of a policy: for flows of its direction whose protocol, port and remote address match,
 * it proposes its action. Immutable; build one with {@link #builder()}.
 *
 * <p>{@code ports} is never empty: "every port" is written out as every protocol's whole range.
 * {@code remotes} empty means anywhere.
 */
public final class Rule {
  /** The priority of rules that do not give one. */
  public static final int DEFAULT_PRIORITY = 1000;

  /**
   * The order in which candidates win (DESIGN.md section 1): the lowest priority number first;
   * among equals a blocking rule (deny, reject) before an allowing one; among those, the rule
   * written first. The last step is porte's, so that "which rule decided" is always one answer.
   */
  public static final Comparator<Rule> PRECEDENCE =
      Comparator.comparingInt(Rule::priority)
          .thenComparing(rule -> rule.action().blocks() ? 0 : 1)
          .thenComparingInt(Rule::index);

  private final Direction direction;
  private final Action action;
  private final List<PortSpec> ports;
  private final List<Cidr> remotes;
  private final int priority;
  private final boolean priorityGiven;
  private final String comment;
  private final boolean enabled;
  private final boolean log;
  private final String portsText;
  private final String remotesText;
  private final SourceLocation location;
  private final int index;

  private Rule(Builder b, int index) {
    this.direction = Objects.requireNonNull(b.direction, "direction");
    this.action = Objects.requireNonNull(b.action, "action");
    this.ports = b.ports == null ? everyPort() : List.copyOf(b.ports);
    if (this.ports.isEmpty()) {
      throw new IllegalArgumentException("a rule covers at least one port spec");
    }
    this.remotes = b.remotes == null ? List.of() : List.copyOf(b.remotes);
    this.priority = b.priority == null ? DEFAULT_PRIORITY : b.priority;
    this.priorityGiven = b.priority != null;
    this.comment = b.comment == null ? "" : b.comment;
    this.enabled = b.enabled;
    this.log = b.log;
    this.portsText = b.portsText != null ? b.portsText : describePorts(this.ports);
    this.remotesText = b.remotesText != null ? b.remotesText : describeRemotes(this.remotes);
    this.location = b.location;
    this.index = index;
  }

  private static List<PortSpec> everyPort() {
    return List.of(PortSpec.all(Protocol.TCP), PortSpec.all(Protocol.UDP), PortSpec.all(Protocol.ICMP));
  }

  private static String describePorts(List<PortSpec> ports) {
    if (ports.equals(everyPort())) {
      return "any";
    }
    List<String> parts = new ArrayList<>();
    ports.forEach(p -> parts.add(p.toString()));
    return parts.size() == 1 ? parts.get(0) : parts.toString();
  }

  private static String describeRemotes(List<Cidr> remotes) {
    if (remotes.isEmpty()) {
      return "anywhere";
    }
    List<String> parts = new ArrayList<>();
    remotes.forEach(c -> parts.add(c.toString()));
    return parts.size() == 1 ? parts.get(0) : parts.toString();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when this rule is a candidate for {@code flow} (DESIGN.md section 1, step 1). */
  public boolean matches(Flow flow) {
    if (!enabled || flow.direction() != direction) {
      return false;
    }
    return matchesPort(flow.protocol(), flow.port()) && matchesRemote(flow.remote());
  }

  public boolean matchesPort(Protocol protocol, int port) {
    for (PortSpec spec : ports) {
      if (spec.matches(protocol, port)) {
        return true;
      }
    }
    return false;
  }

  public boolean matchesRemote(IpAddress address) {
    if (remotes.isEmpty()) {
      return true;
    }
    for (Cidr cidr : remotes) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public boolean isAnywhere() {
    return remotes.isEmpty();
  }

  /** A copy with another index: {@link Policy} numbers its rules in the order they were written. */
  Rule withIndex(int newIndex) {
    Builder b = toBuilder();
    return new Rule(b, newIndex);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.direction = direction;
    b.action = action;
    b.ports = ports;
    b.remotes = remotes;
    b.priority = priorityGiven ? priority : null;
    b.comment = comment.isEmpty() ? null : comment;
    b.enabled = enabled;
    b.log = log;
    b.portsText = portsText;
    b.remotesText = remotesText;
    b.location = location;
    return b;
  }

  public Direction direction() {
    return direction;
  }

  public Action action() {
    return action;
  }

  public List<PortSpec> ports() {
    return ports;
  }

  public List<Cidr> remotes() {
    return remotes;
  }

  public int priority() {
    return priority;
  }

  public boolean priorityGiven() {
    return priorityGiven;
  }

  public String comment() {
    return comment;
  }

  public boolean enabled() {
    return enabled;
  }

  public boolean log() {
    return log;
  }

  /** The ports as the author wrote them: {@code "http"}, {@code "[80, 443]"}, {@code "any"}. */
  public String portsText() {
    return portsText;
  }

  /** The remote side as written: a group name, CIDRs, or "anywhere". */
  public String remotesText() {
    return remotesText;
  }

  public SourceLocation location() {
    return location;
  }

  /** The position of this rule among all rules of its policy, in the order written, from 0. */
  public int index() {
    return index;
  }

  /** {@code "allow ssh from office"}: the rule in a few words, as written. */
  public String summary() {
    String text = action + " " + portsText;
    return remotes.isEmpty() ? text : text + " " + direction.remoteWord() + " " + remotesText;
  }

  /** {@code "inbound rule 'allow ssh from office' at porte.yaml line 9"}. */
  public String label() {
    String where = location.isKnown() ? " at " + location.file() + " line " + location.line() : " (#" + (index + 1) + ")";
    return direction + " rule '" + summary() + "'" + where;
  }

  @Override
  public String toString() {
    return label();
  }

  /**
   * Builds a {@link Rule}. Arguments are checked as they are set; setting a property twice is a
   * state error that says what it was already set to.
   */
  public static final class Builder {
    private @Nullable Direction direction;
    private @Nullable Action action;
    private @Nullable List<PortSpec> ports;
    private @Nullable List<Cidr> remotes;
    private @Nullable Integer priority;
    private @Nullable String comment;
    private boolean enabled = true;
    private boolean log;
    private @Nullable String portsText;
    private @Nullable String remotesText;
    private SourceLocation location = SourceLocation.NONE;

    private Builder() {}

    public Builder direction(Direction value) {
      direction = Objects.requireNonNull(value);
      return this;
    }

    public Builder action(Action value) {
      action = Objects.requireNonNull(value);
      return this;
    }

    /** The ports covered; without this call, every port of every protocol. */
    public Builder ports(List<PortSpec> value) {
      if (ports != null) {
        throw new IllegalStateException("ports was already set to " + ports);
      }
      ports = List.copyOf(value);
      return this;
    }

    public Builder ports(List<PortSpec> value, String asWritten) {
      ports(value);
      portsText = asWritten;
      return this;
    }

    /** The remote networks; without this call (or with an empty list), anywhere. */
    public Builder remotes(List<Cidr> value) {
      if (remotes != null) {
        throw new IllegalStateException("remotes was already set to " + remotes);
      }
      remotes = List.copyOf(value);
      return this;
    }

    public Builder remotes(List<Cidr> value, String asWritten) {
      remotes(value);
      remotesText = asWritten;
      return this;
    }

    public Builder priority(int value) {
      if (value < 0 || value > 1_000_000) {
        throw new IllegalArgumentException("priority must be in [0, 1000000]: " + value);
      }
      priority = value;
      return this;
    }

    public Builder comment(String value) {
      comment = value;
      return this;
    }

    public Builder enabled(boolean value) {
      enabled = value;
      return this;
    }

    public Builder log(boolean value) {
      log = value;
      return this;
    }

    public Builder location(SourceLocation value) {
      location = Objects.requireNonNull(value);
      return this;
    }

    /** A rule with index 0; {@link Policy} renumbers its rules in the order written. */
    public Rule build() {
      return new Rule(this, 0);
    }
  }
}
