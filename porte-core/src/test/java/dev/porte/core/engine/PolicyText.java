package dev.porte.core.engine;

import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * A terse notation for policies, flows and decisions in table-driven tests, and a full dump of a
 * policy for failure messages.
 *
 * <pre>
 * policy:   "in allow 22/tcp from 10.0.0.0/8 prio 100; in deny any off; default in allow; replies stateful"
 * flow:     "in 22/tcp 10.1.2.3", "out icmp 2001:db8::1"
 * decision: "deny #1" (rule index 1), "allow default", "allow loopback"
 * </pre>
 */
final class PolicyText {
  private PolicyText() {}

  static Policy policy(String text) {
    Policy.Builder builder = Policy.builder().source("<test>");
    for (String item : text.split(";")) {
      String[] words = item.trim().split("\\s+");
      if (words.length == 1 && words[0].isEmpty()) {
        continue;
      }
      if (words[0].equals("default")) {
        builder.defaultAction(Direction.parse(words[1]), Action.parse(words[2]));
      } else if (words[0].equals("replies")) {
        builder.replies(ReplyMode.parse(words[1]));
      } else {
        builder.rule(rule(words, item));
      }
    }
    return builder.build();
  }

  private static Rule rule(String[] words, String item) {
    Rule.Builder rule = Rule.builder().direction(Direction.parse(words[0])).action(Action.parse(words[1]));
    if (!words[2].equals("any")) {
      List<PortSpec> specs = new ArrayList<>();
      for (String spec : words[2].split(",")) {
        specs.add(spec(spec));
      }
      rule.ports(specs);
    }
    for (int i = 3; i < words.length; i++) {
      switch (words[i]) {
        case "from":
        case "to":
          List<Cidr> remotes = new ArrayList<>();
          for (String cidr : words[++i].split(",")) {
            remotes.add(Cidr.parse(cidr));
          }
          rule.remotes(remotes);
          break;
        case "prio":
          rule.priority(Integer.parseInt(words[++i]));
          break;
        case "off":
          rule.enabled(false);
          break;
        default:
          throw new IllegalArgumentException("bad word '" + words[i] + "' in rule: " + item);
      }
    }
    return rule.build();
  }

  private static PortSpec spec(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return PortSpec.all(Protocol.parse(text));
    }
    return new PortSpec(Protocol.parse(text.substring(slash + 1)), PortRange.parse(text.substring(0, slash)));
  }

  static Flow flow(String text) {
    String[] words = text.trim().split("\\s+");
    Direction direction = Direction.parse(words[0]);
    IpAddress remote = IpAddress.parse(words[2]);
    if (words[1].equals("icmp")) {
      return new Flow(direction, Protocol.ICMP, remote, 0);
    }
    int slash = words[1].indexOf('/');
    return new Flow(
        direction, Protocol.parse(words[1].substring(slash + 1)), remote, Integer.parseInt(words[1].substring(0, slash)));
  }

  /** {@code "deny #3"}, {@code "allow default"}, {@code "allow loopback"}. */
  static String decision(Decision decision) {
    switch (decision.basis()) {
      case RULE:
        return decision.action() + " #" + decision.rule().index();
      case DEFAULT_POLICY:
        return decision.action() + " default";
      default:
        return decision.action() + " loopback";
    }
  }

  /** Every rule with everything that can decide a verdict, one per line. */
  static String dump(Policy policy) {
    StringBuilder out = new StringBuilder();
    out.append("defaults: inbound ").append(policy.defaultAction(Direction.INBOUND))
        .append(", outbound ").append(policy.defaultAction(Direction.OUTBOUND))
        .append("; replies ").append(policy.replies()).append('\n');
    for (Rule rule : policy.rules()) {
      out.append("  #").append(rule.index()).append(' ').append(rule.direction()).append(' ')
          .append(rule.action()).append(' ').append(rule.ports()).append(' ')
          .append(rule.remotes().isEmpty() ? "anywhere" : rule.remotes().toString())
          .append(" prio ").append(rule.priority())
          .append(rule.enabled() ? "" : " DISABLED").append('\n');
    }
    return out.toString();
  }
}
