package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kernel's counters, read back per policy rule: known connections across a veth in throwaway
 * namespaces move exactly the counters of the rules the reference evaluator names, including rules
 * that share one set lookup and nested networks of one level, and leave the others at zero.
 */
class HitsIT {
  private static final String POLICY = String.join("\n",
      "inbound:",
      "  - allow: 2222/tcp",             // line 2: shares a set with line 3
      "  - allow: 3306/tcp",             // line 3
      "  - allow: 3307/tcp",             // line 4: inside line 6's network, written first, so it wins there
      "    from: 10.231.0.10",
      "  - allow: 3307-3308/tcp",        // line 6
      "    from: 10.231.0.0/24",
      "  - allow: 4000/tcp",             // line 8: nobody comes
      "  - deny: 22/tcp",                // line 9
      "");

  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.create();
    lab.serve(lab.host, List.of("22", "2222", "3306", "3307", "3308", "4000", "5000"));
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void eachPolicyRuleCountsItsOwnConnections() {
    Policy policy = Policies.parser().parse(POLICY, "porte.yaml");
    NftRuleset ruleset = NftCompiler.compile(policy);
    assertThat(ruleset.sets()).extracting(NftSet::name).contains("in_2_tcp"); // level 1 is the deny: blocks first
    lab.load(NftScript.write(ruleset));

    String c0 = Lab.CLIENT4.get(0);
    String c1 = Lab.CLIENT4.get(1);
    List<String> probes = new ArrayList<>();
    Map<String, String> expected = new LinkedHashMap<>();
    probe(probes, expected, c0, Lab.HOST4, 2222, 3, "data");
    probe(probes, expected, c1, Lab.HOST4, 3306, 2, "data");
    probe(probes, expected, Lab.CLIENT6.get(1), Lab.HOST6, 3306, 1, "data");
    probe(probes, expected, c0, Lab.HOST4, 3307, 1, "data");
    probe(probes, expected, c1, Lab.HOST4, 3307, 1, "data");
    probe(probes, expected, c1, Lab.HOST4, 3308, 1, "data");
    probe(probes, expected, c0, Lab.HOST4, 22, 1, "timeout");
    probe(probes, expected, c0, Lab.HOST4, 5000, 1, "timeout");
    assertThat(lab.probe(lab.client, probes, 1.0, 2.0)).isEqualTo(expected);

    RuleHits hits = HitReader.read(policy, ruleset,
        JsonMapper.builder().build().readTree(Tools.ok(List.of("ip", "netns", "exec", lab.host, "nft", "-j", "list", "table", "inet", "porte"), 20)));
    Map<Integer, Long> byLine = new LinkedHashMap<>();
    hits.rules().forEach(r -> byLine.put(r.rule().location().line(), r.count().packets()));
    // Only the packet that opens a connection reaches the policy chain; the rest is admitted.
    assertThat(byLine).as("packets by policy line").containsEntry(2, 3L).containsEntry(3, 3L).containsEntry(4, 1L)
        .containsEntry(6, 2L).containsEntry(8, 0L);
    assertThat(byLine.get(9)).as("the denied SYN and its retries").isPositive();
    assertThat(hits.rules().stream().filter(RuleHits.RuleCount::neverMatched).map(r -> r.rule().location().line()))
        .containsExactly(8);
    assertThat(hits.rules().get(0).count().bytes()).isGreaterThanOrEqualTo(3 * 40);
    assertThat(hits.defaults().get(Direction.INBOUND).count().packets()).as("5000 is closed by default").isPositive();
    // Filtered mode: the greetings leaving on admitted connections pass the outbound default.
    assertThat(hits.defaults().get(Direction.OUTBOUND).count().packets()).isGreaterThanOrEqualTo(9);
  }

  private static void probe(List<String> probes, Map<String, String> expected, String from, String to, int port, int times,
      String outcome) {
    for (int i = 0; i < times; i++) {
      String id = "p" + probes.size();
      probes.add(id + " " + from + " " + to + " " + port);
      expected.put(id, outcome);
    }
  }
}
