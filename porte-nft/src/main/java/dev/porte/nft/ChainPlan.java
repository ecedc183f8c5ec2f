package dev.porte.nft;

import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The kernel lookups of one direction's policy chain, before they are written as nft text: which
 * elements each lookup holds and which policy rule owns each element. The first lookup that
 * matches a packet decides it with its level's action, and its element's owner is the rule the
 * {@link dev.porte.core.engine.ReferenceEvaluator} names for that packet.
 *
 * <p>Rules are taken in {@link Rule#PRECEDENCE} order; consecutive rules of equal priority and
 * action form a level, so the kernel walks levels, not rules. A rule with {@code log: true} forms a
 * level of its own: its packets must be told apart from its neighbours' to be logged, and cutting a
 * level into consecutive parts changes no verdict (they share the action) and no owner (earlier
 * parts hold the rules written earlier). Within a level, per protocol: address lookups (IPv4, then
 * IPv6, deeper layers first, see {@link Intervals#layers}), then the lookup of rules from anywhere.
 * An address element keeps only the ports no earlier-written anywhere rule of the level has, so
 * address lookups may come first. Stateless.
 */
final class ChainPlan {
  private ChainPlan() {}

  /** Which addresses a lookup looks at. */
  enum Reach { V4, V6, ANYWHERE }

  /** One element: a network (null: anywhere) and a port range (ICMP: all), owned by a rule's index. */
  record Element(@Nullable Cidr cidr, PortRange range, int owner) {}

  /** One lookup of the chain: its level (from 1), the level's rules, and its elements. */
  record Lookup(int level, List<Rule> rules, Protocol protocol, Reach reach, int layer, List<Element> elements) {
    Lookup {
      rules = List.copyOf(rules);
      elements = List.copyOf(elements);
    }

    Action action() {
      return rules.get(0).action();
    }

    /** A logged rule is alone in its level. */
    boolean logged() {
      return rules.size() == 1 && rules.get(0).log();
    }

    /** The one rule owning every element, or -1 when elements have different owners. */
    int soleOwner() {
      int owner = elements.get(0).owner();
      return elements.stream().allMatch(e -> e.owner() == owner) ? owner : -1;
    }
  }

  /** The lookups for {@code rules} (one direction's), in the order the kernel tries them. */
  static List<Lookup> plan(List<Rule> rules) {
    List<Rule> ordered = rules.stream().filter(Rule::enabled).sorted(Rule.PRECEDENCE).collect(Collectors.toList());
    List<Lookup> out = new ArrayList<>();
    int level = 0;
    for (int i = 0; i < ordered.size(); ) {
      int j = i + 1;
      Rule first = ordered.get(i);
      while (j < ordered.size() && !first.log() && !ordered.get(j).log()
          && ordered.get(j).priority() == first.priority() && ordered.get(j).action() == first.action()) {
        j++;
      }
      level++;
      out.addAll(level(level, ordered.subList(i, j)));
      i = j;
    }
    return out;
  }

  private static List<Lookup> level(int level, List<Rule> rules) {
    List<Lookup> out = new ArrayList<>();
    for (Protocol protocol : Protocol.CONCRETE) {
      List<Intervals.Owned> anywhere = new ArrayList<>();
      for (Rule rule : rules) {
        for (PortSpec spec : rule.ports()) {
          if (spec.protocol() == protocol && rule.isAnywhere()) {
            anywhere.add(new Intervals.Owned(spec.range(), rule.index()));
          }
        }
      }
      List<Intervals.Owned> anyPorts = Intervals.label(anywhere);
      for (Reach reach : List.of(Reach.V4, Reach.V6)) {
        List<Intervals.Piece> pieces = new ArrayList<>();
        for (Rule rule : rules) {
          // Ports an earlier-written anywhere rule owns are that rule's, whatever the address.
          List<Intervals.Owned> better = anyPorts.stream().filter(o -> o.owner() < rule.index()).collect(Collectors.toList());
          for (PortSpec spec : rule.ports()) {
            if (spec.protocol() != protocol) {
              continue;
            }
            List<Intervals.Owned> left = Intervals.subtract(List.of(new Intervals.Owned(spec.range(), rule.index())), better);
            for (Cidr cidr : rule.remotes()) {
              if (cidr.isV6() == (reach == Reach.V6)) {
                left.forEach(o -> pieces.add(new Intervals.Piece(cidr, o.range(), o.owner())));
              }
            }
          }
        }
        List<List<Intervals.Piece>> layers = Intervals.layers(pieces);
        for (int k = 0; k < layers.size(); k++) {
          List<Element> elements = layers.get(k).stream().map(p -> new Element(p.cidr(), p.range(), p.owner())).collect(Collectors.toList());
          out.add(new Lookup(level, rules, protocol, reach, layers.size() - 1 - k, elements));
        }
      }
      if (!anyPorts.isEmpty()) {
        List<Element> elements = anyPorts.stream().map(o -> new Element(null, o.range(), o.owner())).collect(Collectors.toList());
        out.add(new Lookup(level, rules, protocol, Reach.ANYWHERE, 0, elements));
      }
    }
    return out;
  }
}
