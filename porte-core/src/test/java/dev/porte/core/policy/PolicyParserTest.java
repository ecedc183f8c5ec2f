package dev.porte.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.engine.ReferenceEvaluator;
import dev.porte.core.error.ErrorCode;
import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ProxyHeader;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import dev.porte.core.model.ServiceBinding;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParserTest {

  @ParameterizedTest
  @ValueSource(strings = {"design-example.yaml", "design-example.json"})
  void theDesignExampleParsesExactlyAsWritten(String file) {
    Policy policy = TestPolicies.parser().parse(TestPolicies.resource(file), file);

    assertThat(policy.defaultAction(Direction.INBOUND)).isEqualTo(Action.DENY);
    assertThat(policy.defaultAction(Direction.OUTBOUND)).isEqualTo(Action.ALLOW);
    assertThat(policy.replies()).isEqualTo(ReplyMode.FILTERED);
    assertThat(policy.groups()).containsOnlyKeys("office");
    assertThat(policy.groups().get("office"))
        .containsExactly(Cidr.parse("203.0.113.0/24"), Cidr.parse("2001:db8:10::/48"));

    List<Rule> inbound = policy.rules(Direction.INBOUND);
    assertThat(inbound).hasSize(4);
    assertThat(inbound.get(0).action()).isEqualTo(Action.ALLOW);
    assertThat(inbound.get(0).ports()).containsExactly(PortSpec.of(Protocol.TCP, 80));
    assertThat(inbound.get(0).isAnywhere()).isTrue();
    assertThat(inbound.get(1).ports()).containsExactly(PortSpec.of(Protocol.TCP, 443));
    assertThat(inbound.get(2).ports()).containsExactly(PortSpec.of(Protocol.TCP, 22));
    assertThat(inbound.get(2).remotes()).isEqualTo(policy.groups().get("office"));
    assertThat(inbound.get(2).remotesText()).isEqualTo("office");
    assertThat(inbound.get(2).comment()).isEqualTo("SSH only from the office");
    assertThat(inbound.get(3).action()).isEqualTo(Action.REJECT);
    assertThat(inbound.get(3).ports()).containsExactly(PortSpec.of(Protocol.TCP, 3306), PortSpec.of(Protocol.UDP, 3306));

    List<Rule> outbound = policy.rules(Direction.OUTBOUND);
    assertThat(outbound).hasSize(1);
    assertThat(outbound.get(0).action()).isEqualTo(Action.DENY);
    assertThat(outbound.get(0).ports()).containsExactly(PortSpec.of(Protocol.TCP, 80));

    assertThat(policy.services())
        .extracting(ServiceBinding::port, ServiceBinding::protocols, ServiceBinding::backend)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(80, Set.of(Protocol.TCP), "127.0.0.1:8080"),
            org.assertj.core.groups.Tuple.tuple(22, Set.of(Protocol.TCP), "127.0.0.1:2222"));
  }

  @Test
  void aServiceMaySendItsBackendAProxyProtocolHeader() {
    Policy policy = TestPolicies.parser().parse("services:\n"
        + "  80: { to: 127.0.0.1:8080, proxy: v1 }\n"
        + "  443: { to: 127.0.0.1:8443, proxy: V2 }\n"
        + "  25: { to: 127.0.0.1:2525, proxy: none }\n"
        + "  22: 127.0.0.1:2222\n"
        + "  53/udp: { to: 127.0.0.1:5353 }\n", "porte.yaml");
    assertThat(policy.services())
        .extracting(ServiceBinding::port, ServiceBinding::proxy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(80, ProxyHeader.V1),
            org.assertj.core.groups.Tuple.tuple(443, ProxyHeader.V2),
            org.assertj.core.groups.Tuple.tuple(25, ProxyHeader.NONE),
            org.assertj.core.groups.Tuple.tuple(22, ProxyHeader.NONE),
            org.assertj.core.groups.Tuple.tuple(53, ProxyHeader.NONE));
  }

  @Test
  void aServiceMaySetItsOwnIdleTimeout() {
    Policy policy = TestPolicies.parser().parse("services:\n"
        + "  22: { to: 127.0.0.1:2222, idle: 8h }\n"
        + "  80: { to: 127.0.0.1:8080, idle: 30 }\n"
        + "  53/udp: { to: 127.0.0.1:5353, idle: 10s }\n"
        + "  443: 127.0.0.1:8443\n", "porte.yaml");
    assertThat(policy.services())
        .extracting(ServiceBinding::port, ServiceBinding::idle)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(22, java.time.Duration.ofHours(8)),
            org.assertj.core.groups.Tuple.tuple(80, java.time.Duration.ofSeconds(30)),
            org.assertj.core.groups.Tuple.tuple(53, java.time.Duration.ofSeconds(10)),
            org.assertj.core.groups.Tuple.tuple(443, null));
  }

  @Test
  void aServiceMayCapItsConnections() {
    Policy policy = TestPolicies.parser().parse("services:\n"
        + "  3306: { to: 127.0.0.1:3307, max_connections: 150 }\n"
        + "  80: 127.0.0.1:8080\n", "porte.yaml");
    assertThat(policy.services())
        .extracting(ServiceBinding::port, ServiceBinding::maxConnections)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(3306, 150), org.assertj.core.groups.Tuple.tuple(80, null));
  }

  @Test
  void aServiceMaySetItsOwnConnectTimeoutAndRetries() {
    Policy policy = TestPolicies.parser().parse("services:\n"
        + "  80: { to: 127.0.0.1:8080, connect_timeout: 300ms, retries: 0 }\n"
        + "  22: { to: 127.0.0.1:2222, retries: 10 }\n"
        + "  443: 127.0.0.1:8443\n", "porte.yaml");
    assertThat(policy.services())
        .extracting(ServiceBinding::port, s -> s.connectTimeoutOr(java.time.Duration.ofSeconds(5)), s -> s.retriesOr(3))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(80, java.time.Duration.ofMillis(300), 0),
            org.assertj.core.groups.Tuple.tuple(22, java.time.Duration.ofSeconds(5), 10),
            org.assertj.core.groups.Tuple.tuple(443, java.time.Duration.ofSeconds(5), 3));
  }

  @Test
  void theDesignExampleMeansWhatItsCommentsSay() {
    Policy policy = TestPolicies.parser().parse(TestPolicies.resource("design-example.yaml"), "porte.yaml");
    ReferenceEvaluator evaluator = new ReferenceEvaluator(policy);
    IpAddress stranger = IpAddress.parse("198.51.100.7");
    IpAddress colleague = IpAddress.parse("203.0.113.20");
    IpAddress colleague6 = IpAddress.parse("2001:db8:10::5");

    assertThat(evaluator.decide(Flow.inbound(Protocol.TCP, 80, stranger)).action()).isEqualTo(Action.ALLOW);
    // allow: http opens 80/tcp, never 80/udp
    assertThat(evaluator.decide(Flow.inbound(Protocol.UDP, 80, stranger)).basis()).isEqualTo(Decision.Basis.DEFAULT_POLICY);
    assertThat(evaluator.decide(Flow.inbound(Protocol.UDP, 80, stranger)).action()).isEqualTo(Action.DENY);
    assertThat(evaluator.decide(Flow.inbound(Protocol.TCP, 22, stranger)).action()).isEqualTo(Action.DENY);
    assertThat(evaluator.decide(Flow.inbound(Protocol.TCP, 22, colleague)).action()).isEqualTo(Action.ALLOW);
    assertThat(evaluator.decide(Flow.inbound(Protocol.TCP, 22, colleague6)).action()).isEqualTo(Action.ALLOW);
    assertThat(evaluator.decide(Flow.inbound(Protocol.TCP, 3306, colleague)).action()).isEqualTo(Action.REJECT);
    assertThat(evaluator.decide(Flow.inbound(Protocol.UDP, 3306, colleague)).action()).isEqualTo(Action.REJECT);
    assertThat(evaluator.decide(Flow.outbound(Protocol.TCP, 80, IpAddress.parse("192.0.2.1"))).action()).isEqualTo(Action.DENY);
    assertThat(evaluator.decide(Flow.outbound(Protocol.TCP, 443, IpAddress.parse("192.0.2.1"))).action()).isEqualTo(Action.ALLOW);

    // Filtered replies: the circle client gets in on 80 but nothing leaves towards it on 80.
    var web = evaluator.connect(Flow.inbound(Protocol.TCP, 80, stranger));
    assertThat(web.admitted()).isTrue();
    assertThat(web.dataFlows()).isFalse();
    assertThat(web.data().rule().location().line()).isEqualTo(13);
    assertThat(evaluator.connect(Flow.inbound(Protocol.TCP, 443, stranger)).dataFlows()).isTrue();
  }

  @Test
  void rulesRememberTheLineTheyWereWrittenOn() {
    Policy policy = TestPolicies.parser().parse(TestPolicies.resource("design-example.yaml"), "porte.yaml");
    assertThat(policy.rules()).extracting(r -> r.location().line()).containsExactly(6, 7, 8, 11, 13);
    assertThat(policy.rules().get(2).location().toString()).isEqualTo("porte.yaml:8:5");
  }

  @Test
  void anEmptyFileIsTheSeedsDefaults() {
    Policy policy = TestPolicies.parse("# nothing yet\n");
    assertThat(policy.rules()).isEmpty();
    assertThat(policy.defaultAction(Direction.INBOUND)).isEqualTo(Action.DENY);
    assertThat(policy.defaultAction(Direction.OUTBOUND)).isEqualTo(Action.ALLOW);
    assertThat(policy.replies()).isEqualTo(ReplyMode.FILTERED);
  }

  @Test
  void portListsRangesProtocolsAndPriorities() {
    Policy policy =
        TestPolicies.parse(
            "replies: stateful\n"
                + "inbound:\n"
                + "  - allow: [80, 443/tcp, 8000-8080/udp, domain]\n"
                + "    from: [192.0.2.0/24, 2001:db8::/32, 198.51.100.7]\n"
                + "    priority: 10\n"
                + "    log: true\n"
                + "  - deny:\n"
                + "    proto: icmp\n"
                + "    enabled: false\n"
                + "  - reject: 3306\n"
                + "    proto: tcp\n"
                + "  - allow: http\n"
                + "    proto: udp\n"
                + "outbound:\n"
                + "  - reject: any\n"
                + "    to: any\n");
    assertThat(policy.replies()).isEqualTo(ReplyMode.STATEFUL);
    Rule first = policy.rules().get(0);
    assertThat(first.ports())
        .containsExactly(
            PortSpec.of(Protocol.TCP, 80),
            PortSpec.of(Protocol.UDP, 80),
            PortSpec.of(Protocol.TCP, 443),
            new PortSpec(Protocol.UDP, dev.porte.core.model.PortRange.parse("8000-8080")),
            PortSpec.of(Protocol.TCP, 53),
            PortSpec.of(Protocol.UDP, 53));
    assertThat(first.remotes()).extracting(Cidr::toString).containsExactly("192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32");
    assertThat(first.priority()).isEqualTo(10);
    assertThat(first.log()).isTrue();
    Rule icmp = policy.rules().get(1);
    assertThat(icmp.ports()).containsExactly(PortSpec.all(Protocol.ICMP));
    assertThat(icmp.enabled()).isFalse();
    assertThat(policy.rules().get(2).ports()).containsExactly(PortSpec.of(Protocol.TCP, 3306));
    assertThat(policy.rules().get(3).ports()).containsExactly(PortSpec.of(Protocol.UDP, 80));
    Rule everything = policy.rules().get(4);
    assertThat(everything.ports()).hasSize(3);
    assertThat(everything.isAnywhere()).isTrue();
  }
}
