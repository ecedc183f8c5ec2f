package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.engine.ReferenceEvaluator;
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
import dev.porte.core.model.Rule;
import dev.porte.core.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan's first matching lookup must give the reference evaluator's verdict and name the rule
 * it names (or none, for the default): that is what makes each set element's counter count for
 * exactly one policy rule. Random policies in a small space of ports and nested networks, so that
 * rules overlap a lot; a failure prints the seed ({@code -Dporte.seed=N} replays it).
 */
class ChainPlanTest {
  private static final String[] V4 = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "10.2.0.0/16", "192.0.2.0/24"};
  private static final String[] V6 = {"fd00::/8", "fd00:1::/32", "fd00:1:2::/48", "fd00:1:2::3/128"};
  private static final String[] PROBES = {"10.1.2.3", "10.1.2.4", "10.1.9.9", "10.2.0.1", "10.9.9.9", "192.0.2.7", "198.51.100.1",
      "fd00:1:2::3", "fd00:1:2::4", "fd00:1:9::1", "fd00:9::1", "2001:db8::1"};

  @Test
  void firstMatchingLookupNamesTheRuleTheReferenceEvaluatorNames() {
    long base = Gen.baseSeed();
    int flows = 0;
    for (int round = 0; round < 300; round++) {
      long seed = base + round;
      Gen gen = new Gen(seed);
      Policy policy = randomPolicy(gen);
      ReferenceEvaluator reference = new ReferenceEvaluator(policy);
      for (Direction direction : Direction.values()) {
        List<ChainPlan.Lookup> plan = ChainPlan.plan(policy.rules(direction));
        for (String remote : PROBES) {
          for (Protocol protocol : Protocol.CONCRETE) {
            for (int port : protocol == Protocol.ICMP ? new int[] {0} : new int[] {20, 21, 22, 23, 24, 25, 26, 30, 79, 80, 81}) {
              Flow flow = new Flow(direction, protocol, IpAddress.parse(remote), port);
              Decision expected = reference.decide(flow);
              ChainPlan.Element hit = null;
              Action action = policy.defaultAction(direction);
              for (ChainPlan.Lookup lookup : plan) {
                hit = first(lookup, flow);
                if (hit != null) {
                  action = lookup.action();
                  break;
                }
              }
              String why = "seed " + seed + ", " + flow + ", rules:\n" + policy.rules() + "\nplan: " + plan;
              assertThat(action).as(why).isEqualTo(expected.action());
              assertThat(hit == null ? -1 : hit.owner()).as(why).isEqualTo(expected.rule() == null ? -1 : expected.rule().index());
              flows++;
            }
          }
        }
      }
    }
    assertThat(flows).isGreaterThan(10_000);
  }

  @Test
  void aLoggedRuleIsALevelOfItsOwnAndTheLevelAroundItIsCutInOrder() {
    Policy policy = Policy.builder()
        .rule(rule(Action.ALLOW, 22, null).build())
        .rule(rule(Action.ALLOW, 80, null).log(true).build())
        .rule(rule(Action.ALLOW, 443, null).build())
        .build();
    List<ChainPlan.Lookup> plan = ChainPlan.plan(policy.rules(Direction.INBOUND));
    assertThat(plan).extracting(ChainPlan.Lookup::level).containsExactly(1, 2, 3);
    assertThat(plan).extracting(ChainPlan.Lookup::logged).containsExactly(false, true, false);
  }

  /** Elements of one lookup never overlap: the kernel refuses that. */
  @Test
  void elementsOfALookupAreDisjoint() {
    long base = Gen.baseSeed();
    for (int round = 0; round < 200; round++) {
      Policy policy = randomPolicy(new Gen(base + round));
      for (ChainPlan.Lookup lookup : ChainPlan.plan(policy.rules(Direction.INBOUND))) {
        List<ChainPlan.Element> e = lookup.elements();
        for (int i = 0; i < e.size(); i++) {
          for (int j = i + 1; j < e.size(); j++) {
            boolean addresses = e.get(i).cidr() == null || e.get(i).cidr().overlaps(e.get(j).cidr());
            assertThat(addresses && e.get(i).range().overlaps(e.get(j).range())).as("seed %d: %s", base + round, lookup).isFalse();
          }
        }
      }
    }
  }

  private static ChainPlan.Element first(ChainPlan.Lookup lookup, Flow flow) {
    if (lookup.protocol() != flow.protocol()) {
      return null;
    }
    for (ChainPlan.Element e : lookup.elements()) {
      boolean address = e.cidr() == null ? true : e.cidr().contains(flow.remote());
      if (address && (flow.protocol() == Protocol.ICMP || e.range().contains(flow.port()))) {
        return e;
      }
    }
    return null;
  }

  private static Rule.Builder rule(Action action, int port, String cidr) {
    Rule.Builder b = Rule.builder().direction(Direction.INBOUND).action(action).ports(List.of(PortSpec.of(Protocol.TCP, port)));
    return cidr == null ? b : b.remotes(List.of(Cidr.parse(cidr)));
  }

  static Policy randomPolicy(Gen gen) {
    Policy.Builder policy = Policy.builder()
        .defaultAction(Direction.INBOUND, gen.pick(Action.values()))
        .defaultAction(Direction.OUTBOUND, gen.pick(Action.values()));
    for (Rule rule : gen.list(1, 12, () -> randomRule(gen))) {
      policy.rule(rule);
    }
    return policy.build();
  }

  private static PortSpec randomPort(Gen gen) {
    double roll = gen.between(0, 9);
    if (roll < 6) {
      int lo = gen.between(20, 30);
      return new PortSpec(gen.pick(Protocol.TCP, Protocol.UDP), new PortRange(lo, lo + gen.pick(new int[] {0, 0, 1, 3, 60})));
    }
    if (roll < 8) {
      return PortSpec.of(gen.pick(Protocol.TCP, Protocol.UDP), 80);
    }
    return PortSpec.all(gen.pick(Protocol.TCP, Protocol.ICMP));
  }

  private static Rule randomRule(Gen gen) {
    Rule.Builder b = Rule.builder().direction(gen.pick(Direction.values())).action(gen.pick(Action.values()));
    if (gen.chance(0.9)) {
      b.ports(gen.list(1, 3, () -> randomPort(gen)));
    }
    if (gen.chance(0.7)) {
      List<Cidr> remotes = new ArrayList<>();
      for (String c : gen.list(1, 3, () -> gen.chance(0.7) ? gen.pick(V4) : gen.pick(V6))) {
        remotes.add(Cidr.parse(c));
      }
      b.remotes(remotes);
    }
    if (gen.chance(0.5)) {
      b.priority(gen.pick(10, 1000));
    }
    return b.enabled(gen.chance(0.9)).log(gen.chance(0.15)).build();
  }
}
