package dev.porte.bench;

import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Policies of any size with the mix a large real policy has, and traffic to ask them about.
 * Everything is a pure function of the seed: the same seed and size give the same rules in the
 * same order, and the same flows.
 *
 * <p>The mix of rules:
 *
 * <ul>
 *   <li>10% port-only rules: allow or deny a single port or a range, TCP or UDP, from anywhere;
 *   <li>45% blocklist entries: deny one host, {@code /32} (70%) or {@code /128}, on every port;
 *   <li>45% network rules: a service port or range for a network, IPv4 {@code /8}–{@code /28}
 *       (70%) or IPv6 {@code /32}–{@code /64} on nibble boundaries (as IPv6 is allocated);
 * </ul>
 *
 * with 85% inbound rules, 70% at the default priority and the rest at 100, 200, 500 or 2000. Flows
 * are half aimed at a random rule (an address inside one of its networks, a port inside its
 * range) and half random traffic, three quarters IPv4.
 *
 * <p>Immutable and thread-safe: it holds only the seed.
 */
public final class PolicyGenerator {
  public static final long DEFAULT_SEED = 0x5EED_0F_9047EL;

  private static final int[] SERVICE_PORTS = {22, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995, 1433, 3306, 3389, 5432,
    5672, 6379, 8080, 8443, 9090, 9200, 11211, 27017};
  private static final int[][] PORT_RANGES = {{1024, 49151}, {8000, 8999}, {30000, 32767}, {49152, 65535}, {6000, 6063},
    {60000, 61000}};
  private static final int[] PRIORITIES = {100, 200, 500, 2000};
  private static final int[] V6_PREFIXES = {32, 36, 40, 44, 48, 52, 56, 60, 64};

  private final long seed;

  public PolicyGenerator(long seed) {
    this.seed = seed;
  }

  /** A policy of exactly {@code ruleCount} rules. */
  public Policy policy(int ruleCount) {
    if (ruleCount < 0) {
      throw new IllegalArgumentException("rule count must be >= 0: " + ruleCount);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Rule> rules = new ArrayList<>(ruleCount);
    for (int i = 0; i < ruleCount; i++) {
      rules.add(rule(random));
    }
    return Policy.builder().source("<generated: " + ruleCount + " rules, seed " + seed + ">").rules(rules).build();
  }

  /** {@code count} flows for {@code policy}: half aimed at its rules, half random traffic. */
  public Flow[] flows(Policy policy, int count) {
    SplittableRandom random = new SplittableRandom(seed ^ 0xF10E_5L);
    List<Rule> rules = policy.rules();
    Flow[] flows = new Flow[count];
    for (int i = 0; i < count; i++) {
      flows[i] = !rules.isEmpty() && random.nextBoolean()
          ? aimedAt(rules.get(random.nextInt(rules.size())), random)
          : randomFlow(random);
    }
    return flows;
  }

  private static Rule rule(SplittableRandom random) {
    int kind = random.nextInt(100);
    Rule.Builder rule = Rule.builder()
        .direction(random.nextInt(100) < 85 ? Direction.INBOUND : Direction.OUTBOUND);
    if (random.nextInt(100) >= 70) {
      rule.priority(PRIORITIES[random.nextInt(PRIORITIES.length)]);
    }
    if (kind < 10) {
      return rule.action(random.nextBoolean() ? Action.ALLOW : Action.DENY).ports(List.of(portSpec(random))).build();
    }
    if (kind < 55) {
      IpAddress host = random.nextInt(100) < 70 ? publicV4(random) : globalV6(random);
      return rule.action(Action.DENY).remotes(List.of(Cidr.host(host))).build();
    }
    int roll = random.nextInt(100);
    Action action = roll < 60 ? Action.ALLOW : roll < 90 ? Action.DENY : Action.REJECT;
    Cidr network = random.nextInt(100) < 70
        ? Cidr.of(publicV4(random), 8 + random.nextInt(21))
        : Cidr.of(globalV6(random), V6_PREFIXES[random.nextInt(V6_PREFIXES.length)]);
    return rule.action(action).ports(List.of(portSpec(random))).remotes(List.of(network)).build();
  }

  private static PortSpec portSpec(SplittableRandom random) {
    Protocol protocol = random.nextInt(100) < 80 ? Protocol.TCP : Protocol.UDP;
    if (random.nextInt(100) < 75) {
      return PortSpec.of(protocol, SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)]);
    }
    int[] range = PORT_RANGES[random.nextInt(PORT_RANGES.length)];
    return new PortSpec(protocol, new PortRange(range[0], range[1]));
  }

  /** A unicast-looking IPv4 address outside 0/8, 127/8 (loopback) and 224/3 (multicast, reserved). */
  private static IpAddress publicV4(SplittableRandom random) {
    int first = 1 + random.nextInt(223);
    if (first == 127) {
      first = 128;
    }
    return IpAddress.v4((first << 24) | random.nextInt(1 << 24));
  }

  /** An address in 2000::/3, the global unicast space. */
  private static IpAddress globalV6(SplittableRandom random) {
    long hi = (random.nextLong() >>> 3) | 0x2000_0000_0000_0000L;
    return IpAddress.v6(hi, random.nextLong());
  }

  private static Flow aimedAt(Rule rule, SplittableRandom random) {
    PortSpec spec = rule.ports().get(random.nextInt(rule.ports().size()));
    PortRange range = spec.range();
    int port = spec.protocol() == Protocol.ICMP ? 0 : range.lo() + random.nextInt(range.size());
    IpAddress remote;
    if (rule.remotes().isEmpty()) {
      remote = random.nextInt(100) < 75 ? publicV4(random) : globalV6(random);
    } else {
      remote = inside(rule.remotes().get(random.nextInt(rule.remotes().size())), random);
    }
    return new Flow(rule.direction(), spec.protocol(), remote, port);
  }

  private static IpAddress inside(Cidr network, SplittableRandom random) {
    int prefix = network.prefix();
    if (!network.isV6()) {
      long host = prefix == 32 ? 0 : random.nextLong() & (0xFFFF_FFFFL >>> prefix);
      return IpAddress.v4((int) (network.lo() | host));
    }
    long hostHi = prefix >= 64 ? 0 : prefix == 0 ? -1L : -1L >>> prefix;
    long hostLo = prefix <= 64 ? -1L : prefix == 128 ? 0 : -1L >>> (prefix - 64);
    return IpAddress.v6(network.hi() | (random.nextLong() & hostHi), network.lo() | (random.nextLong() & hostLo));
  }

  private static Flow randomFlow(SplittableRandom random) {
    IpAddress remote = random.nextInt(100) < 75 ? publicV4(random) : globalV6(random);
    Direction direction = random.nextInt(100) < 85 ? Direction.INBOUND : Direction.OUTBOUND;
    int roll = random.nextInt(100);
    if (roll < 5) {
      return new Flow(direction, Protocol.ICMP, remote, 0);
    }
    Protocol protocol = roll < 80 ? Protocol.TCP : Protocol.UDP;
    int port = random.nextBoolean() ? SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)] : random.nextInt(65536);
    return new Flow(direction, protocol, remote, port);
  }
}
