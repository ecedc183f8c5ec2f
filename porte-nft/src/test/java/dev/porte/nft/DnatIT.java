package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A published container port cannot bypass porte: a "container" namespace behind the host, a
 * Docker-style DNAT of host port 8080 to the container's port 80 (in a table of its own, as Docker
 * keeps its own), and the inbound rules decide by the port the client asked for — as, in filtered
 * mode, the outbound rules decide whether the container's answer may leave. Each test runs against
 * the nft table and against the iptables rendering.
 */
class DnatIT {
  enum Target { NFT, IPTABLES }

  private static final String CONTAINER = "10.232.0.2";
  private static Lab lab;

  @BeforeAll
  static void up() {
    lab = Lab.create();
    Tools.requireTools("ncat");
    String container = lab.addNamespace('k');
    Lab.ip("-n", lab.host, "link", "add", "veth-k", "type", "veth", "peer", "name", "veth-ck", "netns", container);
    Lab.ip("-n", lab.host, "addr", "add", "10.232.0.1/24", "dev", "veth-k");
    Lab.ip("-n", lab.host, "link", "set", "veth-k", "up");
    Lab.ip("-n", container, "addr", "add", CONTAINER + "/24", "dev", "veth-ck");
    Lab.ip("-n", container, "link", "set", "veth-ck", "up");
    Lab.ip("-n", container, "route", "add", "default", "via", "10.232.0.1");
    // Forwarding and the DNAT table belong to the host namespace only (per-namespace settings).
    assertThat(lab.exec(lab.host, 10, "sysctl", "-w", "net.ipv4.ip_forward=1").exit()).isZero();
    String nat = "table ip dockerish {\n chain prerouting {\n  type nat hook prerouting priority dstnat; policy accept;\n"
        + "  tcp dport 8080 dnat to " + CONTAINER + ":80\n }\n}\n";
    Tools.Result r = lab.exec(lab.host, 10, "nft", nat);
    assertThat(r.exit()).as(r.err()).isZero();
    lab.serve(container, List.of("80"));
    lab.serve(lab.host, List.of("2222"));
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  private static void load(Target target, String yaml) {
    Policy policy = Policies.parser().parse(yaml, "porte.yaml");
    if (target == Target.IPTABLES) {
      lab.loadIptables(IptablesCompiler.compile(policy));
    } else {
      lab.clearIptables();
      lab.load(NftScript.write(NftCompiler.compile(policy)));
    }
  }

  private static Tools.Result published() {
    return lab.exec(lab.client, 20, "ncat", "-v", "-w", "1", "-i", "1", "--recv-only", Lab.HOST4, "8080");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void publishedPortIsClosedUnlessTheInboundRulesOpenIt(Target target) {
    load(target, "inbound:\n  - allow: 22\n");
    assertThat(published().err()).contains("TIMEOUT");
    load(target, "inbound:\n  - allow: 8080/tcp\n");
    assertThat(published().out()).contains("porte");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void theOriginalPortDecidesNotTheContainersPort(Target target) {
    load(target, "inbound:\n  - allow: 80/tcp\n");
    assertThat(published().err()).contains("TIMEOUT");
    load(target, "inbound:\n  - reject: 8080/tcp\n    from: 10.231.0.0/24\n  - allow: 8080/tcp\n");
    assertThat(published().err()).contains("Connection refused");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void filteredModeHoldsWhatTheContainerSendsBackToTheOutboundRulesOfTheAskedPort(Target target) {
    load(target, "replies: filtered\ninbound:\n  - allow: 8080/tcp\noutbound:\n  - deny: 8080/tcp\n");
    Tools.Result held = published();
    assertThat(held.err()).as("connected, then nothing: the container's answer may not leave")
        .contains("Connected to").contains("Idle timeout").doesNotContain("TIMEOUT");
    assertThat(held.out()).doesNotContain("porte");
    // The container's own port is not the service port the client asked for: denying it changes nothing.
    load(target, "replies: filtered\ninbound:\n  - allow: 8080/tcp\noutbound:\n  - deny: 80/tcp\n");
    assertThat(published().out()).contains("porte");
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void statefulModeLetsTheContainersAnswerLeaveWhateverTheOutboundRules(Target target) {
    load(target, "replies: stateful\ninbound:\n  - allow: 8080/tcp\noutbound:\n  - deny: 8080/tcp\n");
    assertThat(published().out()).contains("porte");
  }

  /**
   * status --hits: the connection to the published port counts for the inbound rule as a local one
   * does (inbound_dnat and inbound), and in filtered mode what the container sends back counts for
   * the outbound rule that owns its element of the set both reply chains look up, added to what the
   * same rule judged leaving a local service.
   */
  @Test
  void publishedConnectionsCountForTheirPolicyRules() {
    Policy policy = Policies.parser().parse(String.join("\n",
        "replies: filtered",
        "inbound:",
        "  - allow: [8080/tcp, 2222/tcp]", // line 3
        "    log: true",
        "outbound:",
        "  - deny: 80/tcp",                // line 6: the container's own port, never asked for
        "    log: true",
        "  - allow: [8080/tcp, 2222/tcp]", // line 8: shares the reply set with line 10
        "    to: 10.231.0.0/24",
        "  - allow: 9000/tcp",             // line 10
        "    to: [10.0.0.0/8, 192.168.0.0/16]",
        ""), "porte.yaml");
    NftRuleset ruleset = NftCompiler.compile(policy);
    assertThat(ruleset.sets()).filteredOn(NftSet::countsByElement).extracting(NftSet::name).contains("reply_2_tcp_v4");
    lab.clearIptables();
    lab.load(NftScript.write(ruleset));

    String client = Lab.CLIENT4.get(0);
    assertThat(lab.probe(lab.client, List.of("p0 " + client + " " + Lab.HOST4 + " 8080"), 1.0, 2.0)).containsEntry("p0", "data");
    Map<Integer, Long> published = byLine(HitReader.read(policy, ruleset, listing()));
    assertThat(published).as("after the published connection").containsEntry(3, 1L).containsEntry(6, 0L).containsEntry(10, 0L);
    assertThat(published.get(8)).as("the container's greeting, judged in outbound_reply_dnat").isPositive();

    assertThat(lab.probe(lab.client, List.of("p1 " + client + " " + Lab.HOST4 + " 2222"), 1.0, 2.0)).containsEntry("p1", "data");
    RuleHits hits = HitReader.read(policy, ruleset, listing());
    Map<Integer, Long> both = byLine(hits);
    assertThat(both).as("after a local connection too").containsEntry(3, 2L).containsEntry(6, 0L).containsEntry(10, 0L);
    assertThat(both.get(8)).as("the local greeting, judged in outbound_reply, adds up").isGreaterThan(published.get(8));
    assertThat(hits.defaults().get(Direction.INBOUND).count().packets()).isZero();
  }

  private static tools.jackson.databind.JsonNode listing() {
    String json = Tools.ok(List.of("ip", "netns", "exec", lab.host, "nft", "-j", "list", "table", "inet", "porte"), 20);
    return tools.jackson.databind.json.JsonMapper.builder().build().readTree(json);
  }

  private static Map<Integer, Long> byLine(RuleHits hits) {
    Map<Integer, Long> byLine = new java.util.LinkedHashMap<>();
    hits.rules().forEach(r -> byLine.put(r.rule().location().line(), r.count().packets()));
    return byLine;
  }
}
