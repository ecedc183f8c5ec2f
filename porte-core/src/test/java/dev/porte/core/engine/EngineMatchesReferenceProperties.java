package dev.porte.core.engine;

import static org.assertj.core.api.Assertions.fail;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The main oracle for the engine (STYLE.md item 14): for random policies and flows aimed at their
 * edges, {@link DecisionEngine} must decide exactly as {@link ReferenceEvaluator}: the same action,
 * basis and rule, for {@code decide} and for both halves of {@code connect}.
 *
 * <p>Policies mix overlapping port ranges and single ports of TCP, UDP and ICMP, rules for every
 * port, nested networks of both families from /0 to /32 and /128 (around a few shared anchors, so
 * that they overlap), rules with and without networks, colliding priorities, all actions, both
 * directions, disabled rules, random defaults and both reply modes. Flows are drawn mostly from
 * the policy's own edges: ports at and next to range ends, the first and last address of each
 * network and the ones just outside, and loopback addresses.
 */
class EngineMatchesReferenceProperties {
  private static final int FLOWS_PER_POLICY = 64;
  private static final AtomicLong FLOWS_CHECKED = new AtomicLong();

  private static final int[] PORT_POOL = {0, 1, 21, 22, 23, 53, 80, 443, 1023, 1024, 3306, 8080, 49151, 49152, 65534, 65535};
  private static final String[] V4_ANCHORS = {
    "10.1.2.3", "10.1.200.4", "10.255.255.255", "192.0.2.77", "198.51.100.1", "0.0.0.0", "255.255.255.255",
    "127.0.0.1", "128.0.0.0", "172.16.5.4"
  };
  private static final String[] V6_ANCHORS = {
    "2001:db8::1", "2001:db8:0:1::5", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:10.1.2.3",
    "::ffff:127.0.0.1", "::1", "::", "fe80::1", "8000::", "7fff:ffff:ffff:ffff:8000::", "2001:db8:0:3:c000::1"
  };
  private static final String[] LOOPBACK = {"127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1"};
  private static final String[] NOT_LOOPBACK = {"126.255.255.255", "128.0.0.0", "::2", "::ffff:128.0.0.1", "::"};

  /** 200 tries × 64 flows: 12,800 flows, each checked by decide and connect. */
  @Property(tries = 200)
  void engineDecidesAsTheReference(@ForAll("scenarios") Scenario scenario) {
    check(scenario);
  }

  /** Fewer, larger policies: thousands of rules, so that tables grow past their first sizes. */
  @Property(tries = 10)
  void engineDecidesAsTheReferenceOnLargePolicies(@ForAll("largeScenarios") Scenario scenario) {
    check(scenario);
  }

  @AfterContainer
  static void report() {
    System.out.println("EngineMatchesReferenceProperties: " + FLOWS_CHECKED.get() + " flows checked against the reference");
  }

  private static void check(Scenario scenario) {
    Policy policy = scenario.policy();
    ReferenceEvaluator reference = new ReferenceEvaluator(policy);
    DecisionEngine engine = DecisionEngine.compile(policy);
    for (Flow flow : scenario.flows()) {
      compare("decide", policy, flow, reference.decide(flow), engine.decide(flow));
      ConnectionVerdict expected = reference.connect(flow);
      ConnectionVerdict actual = engine.connect(flow);
      compare("connect.open", policy, flow, expected.open(), actual.open());
      compare("connect.data", policy, flow, expected.data(), actual.data());
      FLOWS_CHECKED.incrementAndGet();
    }
  }

  private static void compare(String what, Policy policy, Flow flow, Decision expected, Decision actual) {
    boolean same = expected.action() == actual.action()
        && expected.basis() == actual.basis()
        && (expected.rule() == null
            ? actual.rule() == null
            : actual.rule() == expected.rule() && actual.rule().index() == expected.rule().index());
    if (!same) {
      fail(what + " differs for flow " + flow + "\n  reference: " + PolicyText.decision(expected)
          + "\n  engine:    " + PolicyText.decision(actual) + "\npolicy:\n" + PolicyText.dump(policy));
    }
  }

  /** A policy and flows to ask it about; prints the whole policy when jqwik reports a failure. */
  record Scenario(Policy policy, List<Flow> flows) {
    @Override
    public String toString() {
      return PolicyText.dump(policy) + "flows: " + flows;
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<List<Rule>> rules = Arbitraries.frequencyOf(
        Tuple.of(2, rule().list().ofMaxSize(12)),
        Tuple.of(3, rule().list().ofMinSize(12).ofMaxSize(300)));
    return scenarios(rules);
  }

  @Provide
  Arbitrary<Scenario> largeScenarios() {
    return scenarios(rule().list().ofMinSize(1000).ofMaxSize(3000));
  }

  private Arbitrary<Scenario> scenarios(Arbitrary<List<Rule>> rules) {
    Arbitrary<Policy> policies = Combinators.combine(
            rules, Arbitraries.of(Action.class), Arbitraries.of(Action.class), Arbitraries.of(ReplyMode.class))
        .as((list, in, out, replies) -> Policy.builder()
            .rules(list)
            .defaultAction(Direction.INBOUND, in)
            .defaultAction(Direction.OUTBOUND, out)
            .replies(replies)
            .build());
    return policies.flatMap(policy -> flowFor(policy).list().ofSize(FLOWS_PER_POLICY).map(flows -> new Scenario(policy, flows)));
  }

  // ---- rules ----

  private Arbitrary<Rule> rule() {
    Arbitrary<List<PortSpec>> ports = portSpec().list().ofMinSize(1).ofMaxSize(3).injectNull(0.25);
    Arbitrary<List<Cidr>> remotes = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(List.<Cidr>of())),
        Tuple.of(5, cidr().list().ofMinSize(1).ofMaxSize(3)));
    Arbitrary<Integer> priority = Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.of(0, 1, 10, 100, 999, 1000, 1001)),
            Tuple.of(1, Arbitraries.integers().between(0, 2000)))
        .injectNull(0.5);
    Arbitrary<Boolean> enabled = Arbitraries.frequency(Tuple.of(9, true), Tuple.of(1, false));
    return Combinators.combine(
            Arbitraries.of(Direction.class), Arbitraries.of(Action.class), ports, remotes, priority, enabled)
        .as((direction, action, specs, networks, prio, on) -> {
          Rule.Builder b = Rule.builder().direction(direction).action(action).remotes(networks).enabled(on);
          if (specs != null) {
            b.ports(specs);
          }
          if (prio != null) {
            b.priority(prio);
          }
          return b.build();
        });
  }

  private Arbitrary<PortSpec> portSpec() {
    Arbitrary<Integer> port = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(boxed(PORT_POOL))),
        Tuple.of(1, Arbitraries.integers().between(0, 65535)));
    Arbitrary<PortRange> single = port.map(PortRange::of);
    Arbitrary<PortRange> range = Combinators.combine(port, port).as((a, b) -> new PortRange(Math.min(a, b), Math.max(a, b)));
    Arbitrary<PortRange> ranges = Arbitraries.frequencyOf(
        Tuple.of(4, single), Tuple.of(4, range), Tuple.of(1, Arbitraries.just(PortRange.ALL)));
    return Arbitraries.frequencyOf(
        Tuple.of(4, ranges.map(r -> new PortSpec(Protocol.TCP, r))),
        Tuple.of(3, ranges.map(r -> new PortSpec(Protocol.UDP, r))),
        Tuple.of(1, Arbitraries.just(PortSpec.all(Protocol.ICMP))));
  }

  private Arbitrary<Cidr> cidr() {
    Arbitrary<IpAddress> v4 = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(V4_ANCHORS).map(IpAddress::parse)),
        Tuple.of(1, Arbitraries.integers().map(IpAddress::v4)));
    Arbitrary<Integer> v4Prefix = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(0, 8, 16, 24, 31, 32)),
        Tuple.of(2, Arbitraries.integers().between(8, 32)),
        Tuple.of(1, Arbitraries.integers().between(0, 32)));
    Arbitrary<IpAddress> v6 = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(V6_ANCHORS).map(IpAddress::parse)),
        Tuple.of(1, Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(IpAddress::v6)));
    Arbitrary<Integer> v6Prefix = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(0, 32, 48, 56, 60, 62, 63, 64, 65, 66, 68, 96, 127, 128)),
        Tuple.of(2, Arbitraries.integers().between(0, 128)));
    return Arbitraries.frequencyOf(
        Tuple.of(3, Combinators.combine(v4, v4Prefix).as(Cidr::of)),
        Tuple.of(2, Combinators.combine(v6, v6Prefix).as(Cidr::of)));
  }

  // ---- flows aimed at the policy's edges ----

  private Arbitrary<Flow> flowFor(Policy policy) {
    Set<Integer> ports = new LinkedHashSet<>();
    Set<IpAddress> addresses = new LinkedHashSet<>();
    for (Rule rule : policy.rules()) {
      for (PortSpec spec : rule.ports()) {
        for (int p : new int[] {spec.range().lo() - 1, spec.range().lo(), spec.range().hi(), spec.range().hi() + 1}) {
          if (p >= 0 && p <= 65535) {
            ports.add(p);
          }
        }
      }
      for (Cidr network : rule.remotes()) {
        addresses.addAll(edges(network));
      }
    }
    for (int p : PORT_POOL) {
      ports.add(p);
    }
    for (String text : NOT_LOOPBACK) {
      addresses.add(IpAddress.parse(text));
    }
    Arbitrary<Integer> port = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(List.copyOf(ports))),
        Tuple.of(1, Arbitraries.integers().between(0, 65535)));
    Arbitrary<IpAddress> address = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of(List.copyOf(addresses))),
        Tuple.of(1, Arbitraries.of(LOOPBACK).map(IpAddress::parse)),
        Tuple.of(1, Arbitraries.integers().map(IpAddress::v4)),
        Tuple.of(1, Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(IpAddress::v6)));
    Arbitrary<Protocol> protocol = Arbitraries.frequency(
        Tuple.of(4, Protocol.TCP), Tuple.of(3, Protocol.UDP), Tuple.of(1, Protocol.ICMP));
    return Combinators.combine(Arbitraries.of(Direction.class), protocol, address, port).as(Flow::new);
  }

  /** The first and last address of {@code network} and the two just outside it, where they exist. */
  private static List<IpAddress> edges(Cidr network) {
    List<IpAddress> out = new ArrayList<>();
    if (!network.isV6()) {
      long first = network.lo();
      long last = first | (0xFFFF_FFFFL >>> network.prefix());
      for (long a : new long[] {first - 1, first, last, last + 1}) {
        if (a >= 0 && a <= 0xFFFF_FFFFL) {
          out.add(IpAddress.v4((int) a));
        }
      }
      return out;
    }
    int prefix = network.prefix();
    long hostHi = prefix >= 64 ? 0 : (prefix == 0 ? -1L : -1L >>> prefix);
    long hostLo = prefix <= 64 ? -1L : (prefix == 128 ? 0 : -1L >>> (prefix - 64));
    long firstHi = network.hi();
    long firstLo = network.lo();
    long lastHi = firstHi | hostHi;
    long lastLo = firstLo | hostLo;
    out.add(IpAddress.v6(firstHi, firstLo));
    out.add(IpAddress.v6(lastHi, lastLo));
    if (firstHi != 0 || firstLo != 0) { // one below, borrowing from hi when lo is 0
      out.add(IpAddress.v6(firstLo == 0 ? firstHi - 1 : firstHi, firstLo - 1));
    }
    if (lastHi != -1L || lastLo != -1L) { // one above, carrying into hi when lo is all ones
      out.add(IpAddress.v6(lastLo == -1L ? lastHi + 1 : lastHi, lastLo + 1));
    }
    return out;
  }

  private static Integer[] boxed(int[] values) {
    Integer[] out = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
