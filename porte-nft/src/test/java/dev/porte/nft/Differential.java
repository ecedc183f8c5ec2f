package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.Evaluator;
import dev.porte.core.engine.ReferenceEvaluator;
import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.Policies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The differential check of a ruleset in a {@link Lab}: random policies, each loaded by the caller
 * (as an nft table, or as iptables rules), then random real probes across the veth — TCP
 * connections, UDP datagrams to an echo server, ICMP echo requests — each outcome compared with
 * what the decision engine and the reference evaluator say the connection does ({@link
 * Evaluator#connect}), replies in filtered mode included. A mismatch prints the seed, the policy
 * and the probe. Not thread-safe: one per test.
 */
final class Differential {
  /** Every server in both namespaces listens on these (TCP and UDP); rules use ports around them too. */
  static final int FIRST_PORT = 2000;

  static final int PORTS = 12;

  private static final List<String> CIDRS = List.of(
      "10.231.0.0/24", "10.231.0.8/29", "10.231.0.12/30", "10.231.0.10", "10.231.0.15", "10.231.0.16/28",
      "198.51.100.0/24", "0.0.0.0/0", "fd00:231::/64", "fd00:231::10/126", "fd00:231::11", "fd00:231::14/127",
      "2001:db8::/32", "::/0");

  private final Lab lab;
  private final long seed;
  private final Random random;
  private final Map<String, Integer> tally = new TreeMap<>();
  private int probes;

  Differential(Lab lab, long seed) {
    this.lab = lab;
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** Starts the echo servers in both namespaces. */
  static void serve(Lab lab) {
    List<String> ports = new ArrayList<>();
    for (int p = FIRST_PORT; p < FIRST_PORT + PORTS; p++) {
      ports.add(Integer.toString(p));
      ports.add(p + "/udp");
    }
    lab.serve(lab.host, ports);
    lab.serve(lab.client, ports);
  }

  /** One random policy, loaded by {@code load}, then {@code perDirection} probes in and as many out. */
  void round(int n, int perDirection, Consumer<Policy> load) {
    String yaml = randomPolicy(random);
    Policy policy = Policies.parser().parse(yaml, "random-" + n + ".yaml");
    load.accept(policy);
    lab.forgetConnections(); // the probes below are new flows, judged by this policy alone
    Evaluator engine = DecisionEngine.compile(policy);
    Evaluator oracle = new ReferenceEvaluator(policy);
    List<Flow> inbound = new ArrayList<>();
    List<Flow> outbound = new ArrayList<>();
    List<String> inLines = new ArrayList<>();
    List<String> outLines = new ArrayList<>();
    for (int i = 0; i < perDirection; i++) {
      Flow in = randomFlow(random, Direction.INBOUND);
      inbound.add(in);
      inLines.add(i + " " + in.remote() + " " + hostFor(in) + " " + in.port() + " " + in.protocol());
      Flow out = randomFlow(random, Direction.OUTBOUND);
      outbound.add(out);
      outLines.add(i + " " + hostFor(out) + " " + out.remote() + " " + out.port() + " " + out.protocol());
    }
    // Both directions at once: the client namespace probes in, the host namespace probes out.
    CompletableFuture<Map<String, String>> in = CompletableFuture.supplyAsync(() -> lab.probe(lab.client, inLines, 0.3, 0.4));
    CompletableFuture<Map<String, String>> out = CompletableFuture.supplyAsync(() -> lab.probe(lab.host, outLines, 0.3, 0.4));
    compare(n, yaml, engine, oracle, inbound, in.join());
    compare(n, yaml, engine, oracle, outbound, out.join());
  }

  int probes() {
    return probes;
  }

  /** How often each outcome was seen, by "direction protocol outcome". */
  Map<String, Integer> tally() {
    return Map.copyOf(tally);
  }

  /** One line for the test's output: what ran, what was seen, how to rerun it. */
  String summary(String what, int policies, long millis) {
    return what + ": " + probes + " real probes (TCP, UDP, ICMP) over " + policies + " policies in " + millis
        + " ms, outcomes " + tally + " (seed " + seed + ", rerun with -Dporte.diff.seed=" + seed + ")";
  }

  /** Half TCP, a third UDP, the rest ICMP; a third of them IPv6; from or to any client address. */
  private static Flow randomFlow(Random random, Direction direction) {
    int draw = random.nextInt(6);
    Protocol protocol = draw < 3 ? Protocol.TCP : draw < 5 ? Protocol.UDP : Protocol.ICMP;
    boolean v6 = random.nextInt(3) == 0;
    IpAddress remote = IpAddress.parse((v6 ? Lab.CLIENT6 : Lab.CLIENT4).get(random.nextInt(8)));
    return new Flow(direction, protocol, remote, FIRST_PORT + random.nextInt(PORTS));
  }

  private static String hostFor(Flow flow) {
    return flow.remote().v6() ? Lab.HOST6 : Lab.HOST4;
  }

  private void compare(int n, String yaml, Evaluator engine, Evaluator oracle, List<Flow> flows, Map<String, String> seen) {
    for (int i = 0; i < flows.size(); i++) {
      Flow flow = flows.get(i);
      ConnectionVerdict verdict = oracle.connect(flow);
      String expected = expected(verdict, flow.protocol());
      String context = "seed " + seed + ", policy #" + n + ":\n" + yaml + "\nprobe: " + flow + " — engine says "
          + verdict.open().action() + " (" + verdict.open().decidedBy() + "), data " + verdict.data().action();
      assertThat(expected(engine.connect(flow), flow.protocol())).as("engine vs reference, " + context).isEqualTo(expected);
      assertThat(seen.get(Integer.toString(i))).as("kernel vs engine, " + context).isEqualTo(expected);
      tally.merge(flow.direction() + " " + flow.protocol() + " " + expected, 1, Integer::sum);
      probes++;
    }
  }

  /**
   * What a client sees: refused (reject), timeout (deny), data, or connected without data — which
   * without a connection (UDP, ICMP) looks just like a timeout: the request went in, nothing came
   * back.
   */
  static String expected(ConnectionVerdict verdict, Protocol protocol) {
    Action open = verdict.open().action();
    if (open == Action.REJECT) {
      return "refused";
    }
    if (open == Action.DENY) {
      return "timeout";
    }
    if (verdict.data().allowed()) {
      return "data";
    }
    return protocol == Protocol.TCP ? "nodata" : "timeout";
  }

  static String randomPolicy(Random random) {
    StringBuilder y = new StringBuilder();
    String[] actions = {"allow", "deny", "reject"};
    y.append("defaults: { inbound: ").append(actions[random.nextInt(3)])
        .append(", outbound: ").append(random.nextInt(3) == 0 ? actions[1 + random.nextInt(2)] : "allow").append(" }\n");
    y.append("replies: ").append(random.nextBoolean() ? "filtered" : "stateful").append('\n');
    y.append("groups:\n  lab: [").append(pick(random)).append(", ").append(pick(random)).append("]\n");
    for (Direction direction : Direction.values()) {
      int count = random.nextInt(7);
      if (count == 0) {
        continue;
      }
      y.append(direction).append(":\n");
      for (int i = 0; i < count; i++) {
        y.append("  - ").append(actions[random.nextInt(3)]).append(": ").append(ports(random)).append('\n');
        int remotes = random.nextInt(4);
        if (remotes > 0) {
          List<String> list = new ArrayList<>();
          for (int r = 0; r < remotes; r++) {
            list.add(random.nextInt(5) == 0 ? "lab" : pick(random));
          }
          y.append("    ").append(direction == Direction.INBOUND ? "from" : "to").append(": [")
              .append(String.join(", ", list.stream().distinct().toList())).append("]\n");
        }
        if (random.nextBoolean()) {
          y.append("    priority: ").append(new int[] {10, 100, 1000, 5000}[random.nextInt(4)]).append('\n');
        }
        if (random.nextInt(10) == 0) {
          y.append("    enabled: false\n");
        }
      }
    }
    return y.toString();
  }

  private static String pick(Random random) {
    // Quoted: a bare "::/0" is not a YAML scalar.
    return '"' + CIDRS.get(random.nextInt(CIDRS.size())) + '"';
  }

  private static String ports(Random random) {
    List<String> list = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      int lo = FIRST_PORT - 2 + random.nextInt(PORTS + 4);
      switch (random.nextInt(6)) {
        case 0 -> list.add(lo + "-" + (lo + random.nextInt(6)) + "/tcp");
        case 1 -> list.add(Integer.toString(lo));
        case 2 -> list.add(lo + "/udp");
        case 3 -> list.add(new String[] {"tcp", "udp", "icmp", "icmp"}[random.nextInt(4)]);
        default -> list.add(lo + "/tcp");
      }
    }
    return "[" + String.join(", ", list) + "]";
  }
}
