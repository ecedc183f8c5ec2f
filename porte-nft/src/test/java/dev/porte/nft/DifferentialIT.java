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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random policies, compiled and loaded into a real kernel, against random real TCP connections
 * across the veth — each outcome compared with what the decision engine says the connection does
 * ({@link Evaluator#connect}). A mismatch prints the seed, the policy and the probe.
 */
class DifferentialIT {
  /** Every server in both namespaces listens on these; rules use ports around them too. */
  private static final int FIRST_PORT = 2000;

  private static final int PORTS = 12;
  private static final int POLICIES = Integer.getInteger("porte.diff.policies", 25);
  private static final int PROBES_PER_DIRECTION = Integer.getInteger("porte.diff.probes", 80);
  private static final long SEED = Long.getLong("porte.diff.seed", System.nanoTime());

  private static final List<String> CIDRS = List.of(
      "10.231.0.0/24", "10.231.0.8/29", "10.231.0.12/30", "10.231.0.10", "10.231.0.15", "10.231.0.16/28",
      "198.51.100.0/24", "0.0.0.0/0", "fd00:231::/64", "fd00:231::10/126", "fd00:231::11", "fd00:231::14/127",
      "2001:db8::/32", "::/0");

  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.create();
    List<String> ports = new ArrayList<>();
    for (int p = FIRST_PORT; p < FIRST_PORT + PORTS; p++) {
      ports.add(Integer.toString(p));
    }
    lab.serve(lab.host, ports);
    lab.serve(lab.client, ports);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void kernelAgreesWithTheEngineOnRealConnections() {
    Random random = new Random(SEED);
    int probes = 0;
    long start = System.nanoTime();
    for (int n = 0; n < POLICIES; n++) {
      String yaml = randomPolicy(random);
      Policy policy = Policies.parser().parse(yaml, "random-" + n + ".yaml");
      lab.load(NftScript.write(NftCompiler.compile(policy)));
      Evaluator engine = DecisionEngine.compile(policy);
      Evaluator oracle = new ReferenceEvaluator(policy);
      List<Flow> inbound = new ArrayList<>();
      List<Flow> outbound = new ArrayList<>();
      List<String> inLines = new ArrayList<>();
      List<String> outLines = new ArrayList<>();
      for (int i = 0; i < PROBES_PER_DIRECTION; i++) {
        boolean v6 = random.nextInt(3) == 0;
        String remote = (v6 ? Lab.CLIENT6 : Lab.CLIENT4).get(random.nextInt(8));
        int port = FIRST_PORT + random.nextInt(PORTS);
        inbound.add(Flow.inbound(Protocol.TCP, port, IpAddress.parse(remote)));
        inLines.add(i + " " + remote + " " + (v6 ? Lab.HOST6 : Lab.HOST4) + " " + port);
        v6 = random.nextInt(3) == 0;
        remote = (v6 ? Lab.CLIENT6 : Lab.CLIENT4).get(random.nextInt(8));
        port = FIRST_PORT + random.nextInt(PORTS);
        outbound.add(Flow.outbound(Protocol.TCP, port, IpAddress.parse(remote)));
        outLines.add(i + " " + (v6 ? Lab.HOST6 : Lab.HOST4) + " " + remote + " " + port);
      }
      // Both directions at once: the client namespace probes in, the host namespace probes out.
      CompletableFuture<Map<String, String>> in = CompletableFuture.supplyAsync(() -> lab.probe(lab.client, inLines, 0.3, 0.4));
      CompletableFuture<Map<String, String>> out = CompletableFuture.supplyAsync(() -> lab.probe(lab.host, outLines, 0.3, 0.4));
      probes += compare(n, yaml, engine, oracle, inbound, in.join());
      probes += compare(n, yaml, engine, oracle, outbound, out.join());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("differential: " + probes + " real connections over " + POLICIES + " policies in " + millis
        + " ms, outcomes " + TALLY + " (seed " + SEED + ", rerun with -Dporte.diff.seed=" + SEED + ")");
    assertThat(probes).isEqualTo(POLICIES * PROBES_PER_DIRECTION * 2);
    // Every outcome a client can see must have been seen, or the comparison proved little.
    assertThat(TALLY.keySet()).contains("inbound refused", "inbound timeout", "inbound data", "inbound nodata",
        "outbound refused", "outbound timeout", "outbound data");
  }

  private static final Map<String, Integer> TALLY = new java.util.TreeMap<>();

  private static int compare(int n, String yaml, Evaluator engine, Evaluator oracle, List<Flow> flows, Map<String, String> seen) {
    for (int i = 0; i < flows.size(); i++) {
      Flow flow = flows.get(i);
      ConnectionVerdict verdict = oracle.connect(flow);
      String expected = expected(verdict);
      String context = "seed " + SEED + ", policy #" + n + ":\n" + yaml + "\nprobe: " + flow + " — engine says "
          + verdict.open().action() + " (" + verdict.open().decidedBy() + "), data " + verdict.data().action();
      assertThat(expected(engine.connect(flow))).as("engine vs reference, " + context).isEqualTo(expected);
      assertThat(seen.get(Integer.toString(i))).as("kernel vs engine, " + context).isEqualTo(expected);
      TALLY.merge(flow.direction() + " " + expected, 1, Integer::sum);
    }
    return flows.size();
  }

  /** What a client sees: refused (reject), timeout (deny), data, or connected without data. */
  static String expected(ConnectionVerdict verdict) {
    Action open = verdict.open().action();
    if (open == Action.REJECT) {
      return "refused";
    }
    if (open == Action.DENY) {
      return "timeout";
    }
    return verdict.data().allowed() ? "data" : "nodata";
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
        case 3 -> list.add(random.nextInt(4) == 0 ? "tcp" : "icmp");
        default -> list.add(lo + "/tcp");
      }
    }
    return "[" + String.join(", ", list) + "]";
  }
}
