package dev.porte.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole policy: the default action per direction (inbound deny, outbound allow unless set), the
 * reply mode, the address groups, the rules in the order written, and the services the gateway
 * serves. Immutable; its rules are numbered 0..n-1 in the order given, which is the last
 * tie-breaker of {@link Rule#PRECEDENCE}.
 */
public final class Policy {
  private final String source;
  private final Action inboundDefault;
  private final Action outboundDefault;
  private final ReplyMode replies;
  private final Map<String, List<Cidr>> groups;
  private final List<Rule> rules;
  private final List<ServiceBinding> services;

  private Policy(Builder b) {
    this.source = b.source;
    this.inboundDefault = b.inboundDefault;
    this.outboundDefault = b.outboundDefault;
    this.replies = b.replies;
    Map<String, List<Cidr>> copy = new LinkedHashMap<>();
    b.groups.forEach((name, cidrs) -> copy.put(name, List.copyOf(cidrs)));
    this.groups = Collections.unmodifiableMap(copy);
    List<Rule> numbered = new ArrayList<>(b.rules.size());
    for (Rule rule : b.rules) {
      numbered.add(rule.withIndex(numbered.size()));
    }
    this.rules = List.copyOf(numbered);
    this.services = List.copyOf(b.services);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The seed's host with no rules: every inbound port closed, everything may leave. */
  public static Policy defaults() {
    return builder().source("<built-in defaults>").build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = source;
    b.inboundDefault = inboundDefault;
    b.outboundDefault = outboundDefault;
    b.replies = replies;
    b.groups.putAll(groups);
    b.rules.addAll(rules);
    b.services.addAll(services);
    return b;
  }

  /** The file this policy was read from, or a description such as {@code <built-in defaults>}. */
  public String source() {
    return source;
  }

  public Action defaultAction(Direction direction) {
    return direction == Direction.INBOUND ? inboundDefault : outboundDefault;
  }

  public ReplyMode replies() {
    return replies;
  }

  public Map<String, List<Cidr>> groups() {
    return groups;
  }

  /** Every rule, both directions, in the order written. */
  public List<Rule> rules() {
    return rules;
  }

  public List<Rule> rules(Direction direction) {
    List<Rule> selected = new ArrayList<>();
    for (Rule rule : rules) {
      if (rule.direction() == direction) {
        selected.add(rule);
      }
    }
    return selected;
  }

  public List<ServiceBinding> services() {
    return services;
  }

  @Override
  public String toString() {
    return "Policy[" + source + ": inbound " + inboundDefault + ", outbound " + outboundDefault
        + ", replies " + replies + ", " + rules.size() + " rules, " + services.size() + " services]";
  }

  /** Builds a {@link Policy}; the defaults are those of DESIGN.md. */
  public static final class Builder {
    private String source = "<built>";
    private Action inboundDefault = Action.DENY;
    private Action outboundDefault = Action.ALLOW;
    private ReplyMode replies = ReplyMode.FILTERED;
    private final Map<String, List<Cidr>> groups = new LinkedHashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<ServiceBinding> services = new ArrayList<>();

    private Builder() {}

    public Builder source(String value) {
      source = Objects.requireNonNull(value);
      return this;
    }

    public Builder defaultAction(Direction direction, Action action) {
      if (direction == Direction.INBOUND) {
        inboundDefault = action;
      } else {
        outboundDefault = action;
      }
      return this;
    }

    public Builder replies(ReplyMode value) {
      replies = Objects.requireNonNull(value);
      return this;
    }

    public Builder group(String name, List<Cidr> cidrs) {
      if (groups.containsKey(name)) {
        throw new IllegalStateException("group " + name + " was already defined");
      }
      groups.put(name, List.copyOf(cidrs));
      return this;
    }

    public Builder rule(Rule rule) {
      rules.add(rule);
      return this;
    }

    public Builder rules(List<Rule> more) {
      rules.addAll(more);
      return this;
    }

    public Builder clearRules() {
      rules.clear();
      return this;
    }

    public Builder service(ServiceBinding binding) {
      services.add(binding);
      return this;
    }

    public Policy build() {
      return new Policy(this);
    }
  }
}
