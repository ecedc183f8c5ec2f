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
import java.util.function.Supplier;
import java.util.stream.LongStream;
import dev.porte.core.testing.Gen;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
class EngineMatchesReferencePropertiesTest {
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

  private static final long BASE_SEED = Gen.baseSeed();

  static LongStream smallSeeds() {
    return LongStream.range(0, 200).map(i -> BASE_SEED + i);
  }

  static LongStream largeSeeds() {
    return LongStream.range(0, 10).map(i -> BASE_SEED + 1_000_000 + i);
  }

  /** 200 policies × 64 flows: 12,800 flows, each checked by decide and connect. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("smallSeeds")
  void engineDecidesAsTheReference(long seed) {
    Gen gen = new Gen(seed);
    int size = gen.oneOf(2, (Supplier<Integer>) () -> gen.between(0, 12), 3, (Supplier<Integer>) () -> gen.between(12, 300));
    check(seed, scenario(gen, size));
  }

  /** Fewer, larger policies: thousands of rules, so that tables grow past their first sizes. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("largeSeeds")
  void engineDecidesAsTheReferenceOnLargePolicies(long seed) {
    Gen gen = new Gen(seed);
    check(seed, scenario(gen, gen.between(1000, 3000)));
  }

  @AfterAll
  static void report() {
    System.out.println("EngineMatchesReferenceProperties: " + FLOWS_CHECKED.get() + " flows checked against the reference (base seed "
        + BASE_SEED + "; replay with -Dporte.seed=" + BASE_SEED + ")");
  }

  private static void check(long seed, Scenario scenario) {
    Policy policy = scenario.policy();
    ReferenceEvaluator reference = new ReferenceEvaluator(policy);
    DecisionEngine engine = DecisionEngine.compile(policy);
    for (Flow flow : scenario.flows()) {
      compare(seed, "decide", policy, flow, reference.decide(flow), engine.decide(flow));
      ConnectionVerdict expected = reference.connect(flow);
      ConnectionVerdict actual = engine.connect(flow);
      compare(seed, "connect.open", policy, flow, expected.open(), actual.open());
      compare(seed, "connect.data", policy, flow, expected.data(), actual.data());
      FLOWS_CHECKED.incrementAndGet();
    }
  }

  private static void compare(long seed, String what, Policy policy, Flow flow, Decision expected, Decision actual) {
    boolean same = expected.action() == actual.action()
        && expected.basis() == actual.basis()
        && (expected.rule() == null
            ? actual.rule() == null
            : actual.rule() == expected.rule() && actual.rule().index() == expected.rule().index());
    if (!same) {
      fail(what + " differs for flow " + flow + " (seed " + seed + ")\n  reference: " + PolicyText.decision(expected)
          + "\n  engine:    " + PolicyText.decision(actual) + "\npolicy:\n" + PolicyText.dump(policy));
    }
  }

  /** A policy and flows to ask it about. */
  record Scenario(Policy policy, List<Flow> flows) {}

  private static Scenario scenario(Gen gen, int rules) {
    List<Rule> list = new ArrayList<>(rules);
    for (int i = 0; i < rules; i++) {
      list.add(rule(gen));
    }
    Policy policy = Policy.builder()
        .rules(list)
        .defaultAction(Direction.INBOUND, gen.pick(Action.values()))
        .defaultAction(Direction.OUTBOUND, gen.pick(Action.values()))
        .replies(gen.pick(ReplyMode.values()))
        .build();
    FlowSource flows = new FlowSource(policy);
    List<Flow> drawn = new ArrayList<>(FLOWS_PER_POLICY);
    for (int i = 0; i < FLOWS_PER_POLICY; i++) {
      drawn.add(flows.draw(gen));
    }
    return new Scenario(policy, drawn);
  }

  // ---- rules ----

  private static Rule rule(Gen gen) {
    Rule.Builder b = Rule.builder()
        .direction(gen.pick(Direction.values()))
        .action(gen.pick(Action.values()))
        .enabled(gen.between(1, 10) <= 9);
    if (!gen.chance(0.25)) {
      b.ports(gen.list(1, 3, () -> portSpec(gen)));
    }
    b.remotes(gen.between(1, 9) <= 4 ? List.of() : gen.list(1, 3, () -> cidr(gen)));
    if (gen.chance(0.5)) {
      b.priority(gen.between(1, 5) <= 4 ? gen.pick(new int[] {0, 1, 10, 100, 999, 1000, 1001}) : gen.between(0, 2000));
    }
    return b.build();
  }

  private static int port(Gen gen) {
    return gen.between(1, 4) <= 3 ? gen.pick(PORT_POOL) : gen.between(0, 65535);
  }

  private static PortSpec portSpec(Gen gen) {
    int kind = gen.between(1, 8);
    if (kind == 8) {
      return PortSpec.all(Protocol.ICMP);
    }
    Protocol protocol = kind <= 4 ? Protocol.TCP : Protocol.UDP;
    int shape = gen.between(1, 9);
    PortRange range;
    if (shape <= 4) {
      range = PortRange.of(port(gen));
    } else if (shape <= 8) {
      int a = port(gen);
      int b = port(gen);
      range = new PortRange(Math.min(a, b), Math.max(a, b));
    } else {
      range = PortRange.ALL;
    }
    return new PortSpec(protocol, range);
  }

  private static Cidr cidr(Gen gen) {
    if (gen.between(1, 5) <= 3) {
      IpAddress address = gen.between(1, 4) <= 3 ? IpAddress.parse(gen.pick(V4_ANCHORS)) : IpAddress.v4(gen.nextInt());
      int roll = gen.between(1, 6);
      int prefix = roll <= 3 ? gen.pick(new int[] {0, 8, 16, 24, 31, 32}) : roll <= 5 ? gen.between(8, 32) : gen.between(0, 32);
      return Cidr.of(address, prefix);
    }
    IpAddress address = gen.between(1, 4) <= 3 ? IpAddress.parse(gen.pick(V6_ANCHORS)) : IpAddress.v6(gen.nextLong(), gen.nextLong());
    int prefix = gen.between(1, 5) <= 3
        ? gen.pick(new int[] {0, 32, 48, 56, 60, 62, 63, 64, 65, 66, 68, 96, 127, 128})
        : gen.between(0, 128);
    return Cidr.of(address, prefix);
  }

  // ---- flows aimed at the policy's edges ----

  /** Flows drawn mostly from a policy's own edges: range ends and network boundaries. */
  private static final class FlowSource {
    private final List<Integer> ports;
    private final List<IpAddress> addresses;

    FlowSource(Policy policy) {
      Set<Integer> portSet = new LinkedHashSet<>();
      Set<IpAddress> addressSet = new LinkedHashSet<>();
      for (Rule rule : policy.rules()) {
        for (PortSpec spec : rule.ports()) {
          for (int p : new int[] {spec.range().lo() - 1, spec.range().lo(), spec.range().hi(), spec.range().hi() + 1}) {
            if (p >= 0 && p <= 65535) {
              portSet.add(p);
            }
          }
        }
        for (Cidr network : rule.remotes()) {
          addressSet.addAll(edges(network));
        }
      }
      for (int p : PORT_POOL) {
        portSet.add(p);
      }
      for (String text : NOT_LOOPBACK) {
        addressSet.add(IpAddress.parse(text));
      }
      this.ports = List.copyOf(portSet);
      this.addresses = List.copyOf(addressSet);
    }

    Flow draw(Gen gen) {
      int port = gen.between(1, 7) <= 6 ? gen.pick(ports) : gen.between(0, 65535);
      int roll = gen.between(1, 15);
      IpAddress address = roll <= 12 ? gen.pick(addresses)
          : roll == 13 ? IpAddress.parse(gen.pick(LOOPBACK))
          : roll == 14 ? IpAddress.v4(gen.nextInt())
          : IpAddress.v6(gen.nextLong(), gen.nextLong());
      int p = gen.between(1, 8);
      Protocol protocol = p <= 4 ? Protocol.TCP : p <= 7 ? Protocol.UDP : Protocol.ICMP;
      return new Flow(gen.pick(Direction.values()), protocol, address, port);
    }
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
}
