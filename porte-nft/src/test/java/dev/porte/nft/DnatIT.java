package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
}
