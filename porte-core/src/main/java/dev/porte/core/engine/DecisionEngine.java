package dev.porte.core.engine;

import dev.porte.core.model.Cidr;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The indexed evaluator: the verdict of DESIGN.md section 1, compiled once per policy so that a
 * lookup costs about the same for 10 rules as for 100,000.
 *
 * <pre>
 * DecisionEngine engine = DecisionEngine.compile(policy);
 * Decision d = engine.decide(Flow.inbound(Protocol.TCP, 22, IpAddress.parse("198.51.100.7")));
 * </pre>
 *
 * <p><b>Invariant.</b> For every flow, {@link #decide} returns a decision equal to that of {@link
 * ReferenceEvaluator} for the same policy: the same action, the same basis and the very same
 * {@link Rule} instance. The property test {@code EngineMatchesReferenceProperties} holds it to
 * that.
 *
 * <p><b>How.</b> The enabled rules are sorted by {@link Rule#PRECEDENCE}; a rule's position in that
 * order is its <i>rank</i>, and the winner for a flow is simply the matching rule of lowest rank
 * (the comparator is a total order because rule indexes are unique). Per direction and protocol
 * ("lane") the engine keeps:
 *
 * <ul>
 *   <li>for rules that match any address, the lowest rank per port: an {@code int[65536]} for TCP
 *       and UDP, one {@code int} for ICMP. It is filled in rank order, each port written once,
 *       using "next unfilled port" pointers, so building costs O(65536 + ranges), not O(rules ×
 *       range width);
 *   <li>for rules with remote networks, one {@link PrefixTable} per address family: a hash table
 *       per prefix length, whose entries map ports to the lowest rank of that network. Where many
 *       lengths are present, short ones are stored expanded into longer ones (a /21 as its eight
 *       /24s) within a memory budget linear in the number of networks, so that a lookup probes
 *       fewer tables: a policy using every IPv4 length from /8 to /32 is stored in about six.
 * </ul>
 *
 * A lookup takes the per-port rank, then for each prefix length of the flow's family masks the
 * address, probes, and binary-searches the entry's port intervals; it keeps the lowest rank and
 * returns the decision pre-built for that rank, or the direction's default. Loopback is answered
 * before any of this, as the reference does. IPv4 and IPv6 networks live in separate tables, so a
 * v4 network never matches a v6 address (IPv4-mapped IPv6 included), again as the reference.
 *
 * <p><b>Cost.</b> {@code decide} allocates nothing, takes no lock and performs one array read
 * plus at most one hash probe sequence per stored prefix length of the flow's family (at most 33
 * for IPv4, 129 for IPv6, usually a handful), whatever the number of rules. Compiling is
 * O(n log n) in time and O(n) in memory for n (rule, port spec, network) combinations, plus
 * fixed tables of 65,536 ports per direction and protocol.
 *
 * <p><b>Thread-safety.</b> Immutable: all state is in final fields written only by the
 * constructor, so an engine may be shared freely between threads once {@link #compile} returns. A
 * policy change means compiling a new engine and publishing it (through one {@code volatile}
 * reference, say); lookups in flight finish on the old one.
 */
public final class DecisionEngine implements Evaluator {
  /** "No rule": larger than every rank, so that {@code min} needs no special case. */
  static final int NONE = Integer.MAX_VALUE;

  private static final int PORTS = 65536;
  private static final int PROTOCOLS = 3; // TCP, UDP, ICMP: the protocols a flow can have

  private final Policy policy;
  private final int ruleCount;
  /** {@code byRank[r]}: the decision of the enabled rule of rank {@code r}. */
  private final Decision[] byRank;
  /** Indexed by {@link Direction#ordinal()}. */
  private final Decision[] defaults;
  /** Indexed by {@link #lane}: the lowest rank per port among rules for any address. */
  private final int[][] anywhere;
  private final PrefixTable[] v4;
  private final PrefixTable[] v6;

  private DecisionEngine(
      Policy policy,
      int ruleCount,
      Decision[] byRank,
      Decision[] defaults,
      int[][] anywhere,
      PrefixTable[] v4,
      PrefixTable[] v6) {
    this.policy = policy;
    this.ruleCount = ruleCount;
    this.byRank = byRank;
    this.defaults = defaults;
    this.anywhere = anywhere;
    this.v4 = v4;
    this.v6 = v6;
  }

  /** Compiles {@code policy} into an engine; see the class comment for the cost. */
  public static DecisionEngine compile(Policy policy) {
    List<Rule> enabled = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      if (rule.enabled()) {
        enabled.add(rule);
      }
    }
    enabled.sort(Rule.PRECEDENCE);

    Decision[] byRank = new Decision[enabled.size()];
    int lanes = Direction.values().length * PROTOCOLS;
    int[][] anywhere = new int[lanes][];
    int[][] unfilled = new int[lanes][];
    PrefixTable.Builder[] v4 = new PrefixTable.Builder[lanes];
    PrefixTable.Builder[] v6 = new PrefixTable.Builder[lanes];
    for (Direction direction : Direction.values()) {
      for (Protocol protocol : Protocol.CONCRETE) {
        int lane = lane(direction, protocol);
        int ports = protocol.hasPorts() ? PORTS : 1;
        anywhere[lane] = new int[ports];
        Arrays.fill(anywhere[lane], NONE);
        // unfilled[p] leads to the first port >= p not yet given a rank; ports is the sentinel.
        unfilled[lane] = new int[ports + 1];
        for (int p = 0; p <= ports; p++) {
          unfilled[lane][p] = p;
        }
        v4[lane] = new PrefixTable.Builder(false, ports - 1);
        v6[lane] = new PrefixTable.Builder(true, ports - 1);
      }
    }

    // Visiting rules in rank order is what lets each table keep the first rank it sees.
    for (int rank = 0; rank < enabled.size(); rank++) {
      Rule rule = enabled.get(rank);
      byRank[rank] = Decision.byRule(rule);
      for (PortSpec spec : rule.ports()) {
        int lane = lane(rule.direction(), spec.protocol());
        int last = anywhere[lane].length - 1;
        int lo = spec.range().lo();
        int hi = Math.min(spec.range().hi(), last);
        if (lo > last) {
          continue; // ports no flow of this protocol has
        }
        if (rule.isAnywhere()) {
          int[] table = anywhere[lane];
          int[] next = unfilled[lane];
          for (int p = RankIntervals.find(next, lo); p <= hi; p = RankIntervals.find(next, p + 1)) {
            table[p] = rank;
            next[p] = p + 1;
          }
        } else {
          for (Cidr network : rule.remotes()) {
            (network.isV6() ? v6 : v4)[lane].add(network, lo, hi, rank);
          }
        }
      }
    }

    PrefixTable[] v4Tables = new PrefixTable[lanes];
    PrefixTable[] v6Tables = new PrefixTable[lanes];
    for (int lane = 0; lane < lanes; lane++) {
      v4Tables[lane] = v4[lane].build();
      v6Tables[lane] = v6[lane].build();
    }
    Decision[] defaults = new Decision[Direction.values().length];
    for (Direction direction : Direction.values()) {
      defaults[direction.ordinal()] = Decision.byDefault(policy.defaultAction(direction));
    }
    return new DecisionEngine(policy, enabled.size(), byRank, defaults, anywhere, v4Tables, v6Tables);
  }

  private static int lane(Direction direction, Protocol protocol) {
    // Protocol's first three constants are TCP, UDP, ICMP; ANY never reaches a lane.
    return direction.ordinal() * PROTOCOLS + protocol.ordinal();
  }

  @Override
  public Policy policy() {
    return policy;
  }

  /**
   * The verdict for {@code flow}, equal to {@link ReferenceEvaluator#decide}'s. Returns a shared,
   * pre-built instance: allocation-free and lock-free.
   */
  @Override
  public Decision decide(Flow flow) {
    IpAddress remote = flow.remote();
    if (remote.isLoopback()) {
      return Decision.LOOPBACK;
    }
    int lane = lane(flow.direction(), flow.protocol());
    int port = flow.port();
    int best = anywhere[lane][port];
    PrefixTable networks = remote.v6() ? v6[lane] : v4[lane];
    best = networks.lookup(remote.hi(), remote.lo(), port, best);
    return best == NONE ? defaults[flow.direction().ordinal()] : byRank[best];
  }

  /** The number of enabled rules compiled in. */
  public int ruleCount() {
    return ruleCount;
  }

  @Override
  public String toString() {
    return "DecisionEngine[" + policy + ", " + ruleCount + " enabled rules]";
  }
}
