package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IptablesCompilerTest {
  private static Policy parse(String yaml) {
    return Policies.parser().parse(yaml, "porte.yaml");
  }

  private static void assertRestoreAccepts(String tool, String rules) throws IOException {
    Tools.requireTools(tool, "unshare");
    Path file = Files.createTempFile("porte", ".rules");
    try {
      Files.writeString(file, rules);
      Tools.Result r = Tools.run(List.of("unshare", "-rn", tool, "--test", file.toString()), 30);
      assertThat(r.exit()).as(tool + " --test said:\n" + r.err() + "\n" + rules).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void rulesAreLinearInPrecedenceOrderPerFamily() {
    IptablesRules rules = IptablesCompiler.compile(parse(String.join("\n",
        "inbound:",
        "  - allow: 22/tcp",
        "    from: [10.0.0.0/8, \"2001:db8::/32\"]",
        "  - reject: 22/tcp",
        "    priority: 5",
        "outbound:",
        "  - deny: 80/tcp",
        "")));
    assertThat(rules.v4()).containsSubsequence(
        "-A PORTE-INBOUND -p tcp --dport 22 -m comment --comment \"porte.yaml:4 reject 22/tcp\" -j REJECT --reject-with tcp-reset",
        "-A PORTE-INBOUND -s 10.0.0.0/8 -p tcp --dport 22 -m comment --comment \"porte.yaml:2 allow 22/tcp from 10.0.0.0/8, 2001:db8::/32\" -j ACCEPT",
        "-A PORTE-INBOUND -m comment --comment \"inbound default: deny\" -j DROP");
    assertThat(rules.v4()).doesNotContain("2001:db8::/32 -p");
    assertThat(rules.v6()).contains("-A PORTE-INBOUND -s 2001:db8::/32 -p tcp --dport 22");
    assertThat(rules.v4()).contains("-A PORTE-REPLY -p tcp --sport 80 -m comment --comment \"porte.yaml:7 deny 80/tcp\" -j DROP");
    assertThat(rules.v6()).contains("--icmpv6-type neighbour-solicitation -j ACCEPT");
  }

  @Test
  void publishedContainerPortsAreJudgedByTheOriginalPortAndInFilteredModeSoAreTheirAnswers() throws IOException {
    IptablesRules rules = IptablesCompiler.compile(parse(
        "inbound:\n  - allow: 8000-8080/tcp\n    from: 10.0.0.0/8\noutbound:\n  - deny: 8080/tcp\n"));
    assertThat(rules.v4()).containsSubsequence(
        ":PORTE-INBOUND-DNAT - [0:0]",
        ":PORTE-REPLY-DNAT - [0:0]",
        "-A FORWARD -m conntrack --ctstate DNAT -m conntrack --ctstate NEW --ctdir ORIGINAL -j PORTE-INBOUND-DNAT",
        "-A FORWARD -p tcp --tcp-flags SYN,ACK SYN,ACK -m conntrack --ctstate DNAT -m conntrack --ctdir REPLY -j ACCEPT",
        "-A FORWARD -m conntrack --ctstate DNAT -m conntrack --ctstate ESTABLISHED --ctdir REPLY -j PORTE-REPLY-DNAT",
        "-A PORTE-INBOUND-DNAT -s 10.0.0.0/8 -p tcp -m conntrack --ctorigdstport 8000:8080 -m comment",
        "-A PORTE-INBOUND-DNAT -m comment --comment \"inbound default: deny\" -j DROP",
        "-A PORTE-REPLY-DNAT -p tcp -m conntrack --ctorigdstport 8080 -m comment --comment \"porte.yaml:5 deny 8080/tcp\" -j DROP");
    IptablesRules stateful = IptablesCompiler.compile(parse("replies: stateful\ninbound:\n  - allow: 8080/tcp\n"));
    assertThat(stateful.v6()).contains("-j PORTE-INBOUND-DNAT").doesNotContain("PORTE-REPLY");
    assertRestoreAccepts("iptables-restore", rules.v4());
    assertRestoreAccepts("ip6tables-restore", rules.v6());
  }

  @Test
  void rejectByDefaultRefusesLikeNft() {
    IptablesRules rules = IptablesCompiler.compile(parse("defaults: { inbound: reject }\n"));
    assertThat(rules.v4()).containsSubsequence(
        "-A PORTE-INBOUND -p tcp -m comment --comment \"inbound default: reject\" -j REJECT --reject-with tcp-reset",
        "-A PORTE-INBOUND -p udp -m comment --comment \"inbound default: reject\" -j REJECT --reject-with icmp-port-unreachable",
        "-A PORTE-INBOUND -m comment --comment \"inbound default: reject\" -j REJECT --reject-with icmp-admin-prohibited");
    assertThat(rules.v6()).contains("-j REJECT --reject-with icmp6-adm-prohibited");
  }

  @Test
  void restoreAcceptsRandomPoliciesInBothFamilies() throws IOException {
    Random random = new Random(11);
    for (int i = 0; i < 10; i++) {
      IptablesRules rules = IptablesCompiler.compile(parse(Differential.randomPolicy(random)));
      assertRestoreAccepts("iptables-restore", rules.v4());
      assertRestoreAccepts("ip6tables-restore", rules.v6());
    }
  }

  @Test
  void aLoggedRuleLogsRateLimitedBeforeItsVerdict() throws IOException {
    IptablesRules rules = IptablesCompiler.compile(parse("inbound:\n  - deny: 3306/tcp\n    from: \"2001:db8::/32\"\n    log: true\n"));
    assertThat(rules.v6()).containsSubsequence(
        "-A PORTE-INBOUND -s 2001:db8::/32 -p tcp --dport 3306 -m comment --comment \"porte.yaml:2 deny 3306/tcp from 2001:db8::/32\""
            + " -m limit --limit 5/sec --limit-burst 10 -j LOG --log-prefix \"porte in deny porte.yaml:2 \" --log-level info",
        "-A PORTE-INBOUND -s 2001:db8::/32 -p tcp --dport 3306 -m comment --comment \"porte.yaml:2 deny 3306/tcp from 2001:db8::/32\" -j DROP");
    assertRestoreAccepts("ip6tables-restore", rules.v6());
    assertRestoreAccepts("iptables-restore", rules.v4());
  }

  @Test
  void aLoggedRuleLogsInThePublishedPortChainsToo() throws IOException {
    IptablesRules rules = IptablesCompiler.compile(parse(
        "replies: filtered\ninbound:\n  - allow: 8080/tcp\n    log: true\noutbound:\n  - deny: 8080/tcp\n    to: 10.0.0.0/8\n    log: true\n"));
    String inLog = " -m limit --limit 5/sec --limit-burst 10 -j LOG --log-prefix \"porte in allow porte.yaml:3 \" --log-level info";
    String replyLog = " -m limit --limit 5/sec --limit-burst 10 -j LOG --log-prefix \"porte reply deny line 6 \" --log-level info";
    assertThat(rules.v4()).containsSubsequence(
        "-A PORTE-INBOUND -p tcp --dport 8080 -m comment --comment \"porte.yaml:3 allow 8080/tcp\"" + inLog,
        "-A PORTE-INBOUND -p tcp --dport 8080 -m comment --comment \"porte.yaml:3 allow 8080/tcp\" -j ACCEPT",
        "-A PORTE-REPLY -d 10.0.0.0/8 -p tcp --sport 8080 -m comment --comment \"porte.yaml:6 deny 8080/tcp to 10.0.0.0/8\"" + replyLog,
        "-A PORTE-REPLY -d 10.0.0.0/8 -p tcp --sport 8080 -m comment --comment \"porte.yaml:6 deny 8080/tcp to 10.0.0.0/8\" -j DROP",
        "-A PORTE-INBOUND-DNAT -p tcp -m conntrack --ctorigdstport 8080 -m comment --comment \"porte.yaml:3 allow 8080/tcp\"" + inLog,
        "-A PORTE-INBOUND-DNAT -p tcp -m conntrack --ctorigdstport 8080 -m comment --comment \"porte.yaml:3 allow 8080/tcp\" -j ACCEPT",
        "-A PORTE-REPLY-DNAT -d 10.0.0.0/8 -p tcp -m conntrack --ctorigdstport 8080 -m comment --comment \"porte.yaml:6 deny 8080/tcp to 10.0.0.0/8\""
            + replyLog,
        "-A PORTE-REPLY-DNAT -d 10.0.0.0/8 -p tcp -m conntrack --ctorigdstport 8080 -m comment --comment \"porte.yaml:6 deny 8080/tcp to 10.0.0.0/8\" -j DROP");
    assertRestoreAccepts("iptables-restore", rules.v4());
    assertRestoreAccepts("ip6tables-restore", rules.v6());
  }
}
