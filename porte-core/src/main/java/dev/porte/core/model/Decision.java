package dev.porte.core.model;

import org.jspecify.annotations.Nullable;

/**
 * A verdict, what decided it, and (through {@link #why(Flow)}) one sentence of why. A decision
 * does not hold its flow, so an engine can hand out one shared instance per rule and allocate
 * nothing per lookup.
 */
public record Decision(Action action, Basis basis, @Nullable Rule rule) {
  /** What a verdict rests on. */
  public enum Basis {
    /** A rule matched and won. */
    RULE,
    /** No rule matched; the direction's default action applies. */
    DEFAULT_POLICY,
    /** Loopback traffic is always allowed, whatever the rules. */
    LOOPBACK
  }

  public Decision {
    if ((basis == Basis.RULE) != (rule != null)) {
      throw new IllegalArgumentException("a rule decision names its rule; other decisions name none");
    }
  }

  public static Decision byRule(Rule rule) {
    return new Decision(rule.action(), Basis.RULE, rule);
  }

  public static Decision byDefault(Action action) {
    return new Decision(action, Basis.DEFAULT_POLICY, null);
  }

  public static final Decision LOOPBACK = new Decision(Action.ALLOW, Basis.LOOPBACK, null);

  public boolean allowed() {
    return action == Action.ALLOW;
  }

  /** {@code "porte.yaml line 9"}, {@code "default policy"} or {@code "always allowed (loopback)"}. */
  public String decidedBy() {
    switch (basis) {
      case RULE:
        SourceLocation at = rule.location();
        return at.isKnown() ? at.file() + " line " + at.line() : "rule #" + (rule.index() + 1);
      case DEFAULT_POLICY:
        return "default policy";
      default:
        return "always allowed (loopback)";
    }
  }

  /** One sentence that says why {@code flow} got this verdict. */
  public String why(Flow flow) {
    switch (basis) {
      case LOOPBACK:
        return flow + " is allowed: loopback traffic never leaves the host and is always allowed, whatever the rules.";
      case DEFAULT_POLICY:
        return "No enabled " + flow.direction() + " rule matches " + flow.portText() + " "
            + flow.direction().remoteWord() + " " + flow.remote() + ", so the " + flow.direction()
            + " default applies: " + action + defaultGloss(flow.direction()) + ".";
      default:
        String priority = rule.priorityGiven() ? Integer.toString(rule.priority()) : rule.priority() + ", the default";
        String contest = action.blocks()
            ? "the matching rule with the lowest priority number (" + priority + "); at equal priority a block beats an allow"
            : "the matching rule with the lowest priority number (" + priority + "), and no block of equal priority matches";
        return flow + " is " + action.pastTense() + " by " + rule.label() + ": " + contest + ".";
    }
  }

  private String defaultGloss(Direction direction) {
    if (direction == Direction.INBOUND && action != Action.ALLOW) {
      return " (every inbound port is closed unless a rule opens it)";
    }
    if (direction == Direction.OUTBOUND && action == Action.ALLOW) {
      return " (everything may leave unless a rule stops it)";
    }
    return "";
  }
}
