package dev.porte.core.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.lint.LintWarning.Kind;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.TestPolicies;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinterTest {
  private static final Linter LINTER =
      new Linter(List.of(
          new SensitivePort("ssh", Protocol.TCP, 22, "remote administration"),
          new SensitivePort("mysql", Protocol.TCP, 3306, "database")));

  private static List<LintWarning> lint(String yaml) {
    return LINTER.lint(TestPolicies.parse(yaml));
  }

  @Test
  void theDesignExampleWarnsThatHttpRepliesCannotLeaveAndThat443HasNoService() {
    Policy policy = TestPolicies.parser().parse(TestPolicies.resource("design-example.yaml"), "porte.yaml");
    List<LintWarning> warnings = LINTER.lint(policy);

    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Kind.REPLIES_BLOCKED, 6),
            org.assertj.core.groups.Tuple.tuple(Kind.NO_SERVICE, 7));
    assertThat(warnings.get(0).toString())
        .startsWith("porte.yaml:6: warning [replies-blocked]: inbound 80/tcp is allowed but in filtered mode")
        .contains("denied by outbound rule 'deny 80/tcp' at porte.yaml line 13")
        .endsWith("clients will connect and receive nothing");
    assertThat(warnings.get(1).message()).startsWith("inbound 443/tcp is allowed but no service is defined for it");
  }

  @Test
  void aServiceWhoseBackendIsItsOwnPortOnThisHostLoops() {
    List<LintWarning> warnings = lint("inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:80 }\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.SERVICE_LOOP, 4));
    assertThat(warnings.get(0).toString()).isEqualTo("test.yaml:4: warning [service-loop]: service 80's backend "
        + "127.0.0.1:80 is its own port on this host: a gateway listening on the service ports would dial itself without "
        + "end, and will not serve it (point 'to:' at the service itself)");
  }

  @Test
  void servicesThatLeadRoundIntoEachOtherLoopAndAChainThatEndsDoesNot() {
    List<LintWarning> warnings = lint("inbound:\n  - allow: [80/tcp, 81/tcp, 82/tcp, 83/tcp, 84/tcp, 85/tcp]\nservices:\n"
        + "  80: { to: 'localhost:81' }\n  81: { to: '[::1]:80' }\n  82: { to: 0.0.0.0:80 }\n"
        + "  83: { to: 127.0.0.1:8080 }\n  84: { to: 198.51.100.7:84 }\n  85: { to: backend.example:85 }\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line()).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Kind.SERVICE_LOOP, 4), org.assertj.core.groups.Tuple.tuple(Kind.SERVICE_LOOP, 5));
    assertThat(warnings.get(0).message()).startsWith("service 80's backend localhost:81 is service 81's port on this "
        + "host, and the backends lead round in a loop (80 -> 81 -> 80)");
  }

  @Test
  void aTcpServiceDoesNotLoopIntoAUdpListener() {
    assertThat(lint("inbound:\n  - allow: [53/tcp, 5353/udp]\n"
        + "services:\n  53: { to: 127.0.0.1:5353 }\n  5353: { to: 127.0.0.1:53, proto: udp }\n")).isEmpty();
  }

  @Test
  void aServiceNoInboundRuleAllowsTurnsEveryClientAway() {
    List<LintWarning> warnings = lint("inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:8080 }\n"
        + "  8081: { to: 127.0.0.1:9091 }\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.SERVICE_CLOSED, 5));
    assertThat(warnings.get(0).toString()).isEqualTo("test.yaml:5: warning [service-closed]: service 8081/tcp is defined "
        + "but no inbound rule allows it, and the inbound default is deny: every client but loopback is denied (allow it "
        + "under inbound:, e.g. '- allow: 8081/tcp' with 'from:' to limit who, or remove the service)");
  }

  @Test
  void aServiceIsClosedOnlyForTheProtocolsNoRuleAllowsAndUnderARejectingDefault() {
    List<LintWarning> warnings = lint("defaults: { inbound: reject }\ninbound:\n  - allow: 53/tcp\n"
        + "services:\n  53: { to: 127.0.0.1:5353, proto: [tcp, udp] }\n");
    assertThat(warnings).extracting(LintWarning::kind).containsExactly(Kind.SERVICE_CLOSED);
    assertThat(warnings.get(0).message()).startsWith("service 53/udp is defined but no inbound rule allows it, and the "
        + "inbound default is reject: every client but loopback is rejected");
  }

  @Test
  void aDisabledAllowLeavesTheServiceClosed() {
    List<LintWarning> warnings = lint("inbound:\n  - allow: 8080/tcp\n    enabled: false\n"
        + "services:\n  8080: { to: 127.0.0.1:9090 }\n");
    assertThat(warnings).extracting(LintWarning::kind).containsExactly(Kind.SERVICE_CLOSED);
  }

  @Test
  void aServiceSomeClientsMayReachOrAnOpenDefaultIsNotClosed() {
    assertThat(lint("groups:\n  office: [203.0.113.0/24]\ninbound:\n  - allow: 2222/tcp\n    from: office\n"
        + "services:\n  2222: { to: 127.0.0.1:22 }\n")).isEmpty();
    assertThat(lint("inbound:\n  - allow: 8000-8099/tcp\nservices:\n  8080: { to: 127.0.0.1:9090 }\n")).isEmpty();
    assertThat(lint("defaults: { inbound: allow }\nservices:\n  8080: { to: 127.0.0.1:9090 }\n")).isEmpty();
  }

  @Test
  void statefulModeSaysWhereTheDifferenceMatters() {
    List<LintWarning> warnings = lint("replies: stateful\ninbound:\n  - allow: 80/tcp\noutbound:\n  - deny: 80/tcp\n");
    assertThat(warnings).extracting(LintWarning::kind).containsExactly(Kind.REPLIES_UNFILTERED);
    assertThat(warnings.get(0).message()).contains("in stateful mode its replies leave");
  }

  @Test
  void anOutboundDefaultOfDenyBlocksRepliesToo() {
    List<LintWarning> warnings =
        lint("defaults: { outbound: deny }\ninbound:\n  - allow: 443/tcp\noutbound:\n  - allow: 443/tcp\n    to: 192.0.2.0/24\n");
    assertThat(warnings).extracting(LintWarning::kind).containsExactly(Kind.REPLIES_BLOCKED);
    assertThat(warnings.get(0).message()).contains("the outbound default (deny)");
  }

  @Test
  void aRuleBehindABlockOfEqualPriorityCanNeverDecide() {
    List<LintWarning> warnings = lint("inbound:\n  - deny: 22\n  - allow: 22/tcp\n    from: 192.0.2.0/24\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.SHADOWED, 3));
    assertThat(warnings.get(0).message()).contains("can never decide").contains("a block beats an allow");
  }

  @Test
  void aLowerPriorityNumberShadowsEvenAnEarlierRule() {
    List<LintWarning> warnings = lint("inbound:\n  - deny: 1500/tcp\n  - allow: 1000-2000\n    priority: 10\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.SHADOWED, 2));
    assertThat(warnings.get(0).message()).contains("priority 10 before 1000");
  }

  @Test
  void coverageByTheUnionOfOneRulesPortsCounts() {
    List<LintWarning> warnings = lint("inbound:\n  - deny: [1000-1999/tcp, 2000-3000/tcp]\n  - allow: 1500-2500/tcp\n");
    assertThat(warnings).extracting(LintWarning::kind).containsExactly(Kind.SHADOWED);
  }

  @Test
  void aPartlyCoveredRuleStillDecidesSomething() {
    assertThat(lint("inbound:\n  - deny: 22/tcp\n    from: 10.0.0.0/8\n  - allow: 22/tcp\n    from: 192.0.2.0/24\n")).isEmpty();
    assertThat(lint("inbound:\n  - deny: 22/tcp\n  - allow: 22\n    from: 192.0.2.0/24\n")).isEmpty();
    assertThat(lint("inbound:\n  - deny: 22/tcp\n    from: 0.0.0.0/0\n  - allow: 22/tcp\n    from: 192.0.2.0/24\n  - allow: 22/tcp\n    from: 2001:db8::/32\n"))
        .extracting(w -> w.location().line()).containsExactly(4);
  }

  @Test
  void aRuleWrittenTwiceIsADuplicate() {
    List<LintWarning> warnings = lint("inbound:\n  - allow: 443/tcp\n    from: 192.0.2.0/24\n  - allow: 443/tcp\n    from: 192.0.2.0/24\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.DUPLICATE, 4));
    assertThat(warnings.get(0).message()).contains("duplicates line 2");
  }

  @Test
  void sshAndDatabasesOpenToTheInternetAreFlagged() {
    List<LintWarning> warnings = lint("inbound:\n  - allow: 22/tcp\n  - allow: 3000-4000/tcp\n    from: [0.0.0.0/0]\n");
    assertThat(warnings).extracting(LintWarning::kind, w -> w.location().line())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Kind.EXPOSED, 2),
            org.assertj.core.groups.Tuple.tuple(Kind.EXPOSED, 3));
    assertThat(warnings.get(0).message()).startsWith("ssh (22/tcp, remote administration) is open to the whole internet");
    assertThat(warnings.get(1).message()).startsWith("mysql (3306/tcp, database) is open to the whole internet");
  }

  @Test
  void sshFromTheOfficeOrBehindABlockIsNotExposed() {
    assertThat(lint("inbound:\n  - allow: 22/tcp\n    from: 203.0.113.0/24\n")).isEmpty();
    // The block wins at equal priority, so the allow decides nothing for 22 and is not an exposure.
    assertThat(lint("inbound:\n  - allow: 20-30/tcp\n  - reject: 22/tcp\n")).isEmpty();
  }

  @Test
  void disabledRulesAreLeftAlone() {
    assertThat(lint("inbound:\n  - allow: 22/tcp\n    enabled: false\n  - allow: 443/tcp\n  - allow: 443/tcp\n    enabled: false\n")).isEmpty();
  }
}
