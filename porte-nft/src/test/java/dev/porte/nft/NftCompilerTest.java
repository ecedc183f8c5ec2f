package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NftCompilerTest {
  private static Policy parse(String yaml) {
    return Policies.parser().parse(yaml, "porte.yaml");
  }

  private static List<String> rules(NftRuleset ruleset, String chain) {
    return ruleset.chain(chain).rules().stream().map(NftRule::text).collect(Collectors.toList());
  }

  private static void assertKernelAccepts(String script) {
    Tools.requireTools("nft", "unshare");
    Tools.Result r = Tools.nftCheck(script);
    assertThat(r.exit()).as("nft -c -f said:\n" + r.err() + "\n" + script).isZero();
  }

  @Test
  void filteredModeJudgesTheDataLeavingOnInboundConnectionsByTheOutboundRules() {
    NftRuleset ruleset = NftCompiler.compile(parse("inbound:\n  - allow: http\noutbound:\n  - deny: 80/tcp\n"));
    assertThat(rules(ruleset, "output")).containsSubsequence(
        "ct state related accept comment \"errors about admitted connections\"",
        "ct direction original ct state established accept comment \"our own admitted outbound connections\"",
        "ct direction reply tcp flags & (syn | ack) == syn | ack accept comment \"handshake of admitted inbound connections\"",
        "ct direction reply jump outbound_reply comment \"data leaving on inbound connections: the outbound rules\"",
        "jump outbound comment \"new outbound connections: the outbound rules\"");
    assertThat(rules(ruleset, "outbound_reply")).containsExactly(
        "tcp sport 80 counter drop comment \"porte.yaml:4: deny (priority 1000)\"",
        "counter accept comment \"outbound default: allow\"");
    assertThat(rules(ruleset, "inbound")).containsExactly(
        "tcp dport 80 counter accept comment \"porte.yaml:2: allow (priority 1000)\"",
        "counter drop comment \"inbound default: deny\"");
  }

  @Test
  void statefulModeLetsRepliesOfAdmittedConnectionsLeave() {
    NftRuleset ruleset = NftCompiler.compile(parse("replies: stateful\noutbound:\n  - deny: 80/tcp\n"));
    assertThat(rules(ruleset, "output")).contains(
        "ct state established,related accept comment \"stateful: replies of admitted connections always leave\"");
    assertThat(ruleset.chains()).extracting(NftChain::name).doesNotContain("outbound_reply");
  }

  @Test
  void loopbackAndNeighbourDiscoveryComeFirst() {
    NftRuleset ruleset = NftCompiler.compile(parse("defaults: { inbound: deny, outbound: deny }\n"));
    assertThat(rules(ruleset, "input").get(0)).startsWith("iif \"lo\" accept");
    assertThat(rules(ruleset, "output").get(0)).startsWith("oif \"lo\" accept");
    assertThat(rules(ruleset, "input").get(1)).contains("nd-neighbor-solicit", "nd-neighbor-advert", "nd-router-advert");
  }

  @Test
  void blocksOfAPriorityLevelComeBeforeItsAllowsAndLowerNumbersFirst() {
    NftRuleset ruleset = NftCompiler.compile(parse(String.join("\n",
        "inbound:",
        "  - allow: 22",
        "  - deny: 22/tcp",
        "    from: 10.0.0.0/8",
        "  - allow: 22/tcp",
        "    from: 10.1.0.0/16",
        "    priority: 5",
        "")));
    assertThat(rules(ruleset, "inbound")).containsExactly(
        "ip saddr . tcp dport { 10.1.0.0/16 . 22 } counter accept comment \"porte.yaml:5: allow (priority 5)\"",
        "ip saddr . tcp dport { 10.0.0.0/8 . 22 } counter drop comment \"porte.yaml:3: deny (priority 1000)\"",
        "tcp dport 22 counter accept comment \"porte.yaml:2: allow (priority 1000)\"",
        "udp dport 22 counter accept comment \"porte.yaml:2: allow (priority 1000)\"",
        "counter drop comment \"inbound default: deny\"");
  }

  @Test
  void publishedContainerPortsAreJudgedByTheirOriginalPort() {
    NftRuleset ruleset = NftCompiler.compile(parse("replies: stateful\ninbound:\n  - allow: 8080/tcp\n    from: 10.0.0.0/8\n"));
    assertThat(rules(ruleset, "forward")).containsExactly("ct status dnat ct direction original ct state new jump inbound_dnat"
        + " comment \"published (DNAT'd) ports obey the inbound rules, by the port the client asked for\"");
    assertThat(rules(ruleset, "inbound_dnat")).containsExactly(
        "meta l4proto tcp ip saddr . ct original proto-dst { 10.0.0.0/8 . 8080 } counter accept comment \"porte.yaml:3: allow (priority 1000)\"",
        "counter drop comment \"inbound default: deny\"");
    assertThat(ruleset.chains()).extracting(NftChain::name).doesNotContain("outbound_reply_dnat");
  }

  @Test
  void filteredModeHoldsWhatPublishedContainersSendBackToTheOutboundRulesOfTheAskedPort() {
    NftRuleset ruleset = NftCompiler.compile(parse(
        "inbound:\n  - allow: 8080/tcp\noutbound:\n  - deny: 8080/tcp\n    to: 10.0.0.0/8\n  - reject: 9000\n"));
    assertThat(rules(ruleset, "forward")).containsExactly(
        "ct status dnat ct direction original ct state new jump inbound_dnat"
            + " comment \"published (DNAT'd) ports obey the inbound rules, by the port the client asked for\"",
        "ct status dnat ct direction reply tcp flags & (syn | ack) == syn | ack accept comment \"handshake of admitted published connections\"",
        "ct status dnat ct direction reply ct state established jump outbound_reply_dnat"
            + " comment \"data leaving on published connections: the outbound rules, by the port the client asked for\"");
    // Data is only ever dropped, never rejected: a reset would go to the container, not the client.
    assertThat(rules(ruleset, "outbound_reply_dnat")).containsExactly(
        "meta l4proto tcp ip daddr . ct original proto-dst { 10.0.0.0/8 . 8080 } counter drop comment \"porte.yaml:4: deny (priority 1000)\"",
        "meta l4proto tcp ct original proto-dst 9000 counter drop comment \"porte.yaml:6: reject (priority 1000)\"",
        "meta l4proto udp ct original proto-dst 9000 counter drop comment \"porte.yaml:6: reject (priority 1000)\"",
        "counter accept comment \"outbound default: allow\"");
    assertKernelAccepts(NftScript.write(ruleset));
  }

  @Test
  void rejectRefusesWithTcpResetOrIcmpUnreachable() {
    NftRuleset ruleset = NftCompiler.compile(parse("defaults: { inbound: reject }\ninbound:\n  - reject: [3306, icmp]\n"));
    assertThat(rules(ruleset, "inbound")).containsExactly(
        "tcp dport 3306 counter reject with tcp reset comment \"porte.yaml:3: reject (priority 1000)\"",
        "udp dport 3306 counter reject with icmpx type port-unreachable comment \"porte.yaml:3: reject (priority 1000)\"",
        "meta l4proto { icmp, ipv6-icmp } counter reject with icmpx type admin-prohibited comment \"porte.yaml:3: reject (priority 1000)\"",
        "meta l4proto tcp counter reject with tcp reset comment \"inbound default: reject\"",
        "meta l4proto udp counter reject with icmpx type port-unreachable comment \"inbound default: reject\"",
        "counter reject with icmpx type admin-prohibited comment \"inbound default: reject\"");
  }

  @Test
  void manyAddressesBecomeOneNamedConcatenatedIntervalSet() {
    StringBuilder yaml = new StringBuilder("inbound:\n");
    for (int i = 0; i < 200; i++) {
      yaml.append("  - allow: ").append(1000 + i).append("/tcp\n    from: [10.").append(i).append(".0.0/16, \"2001:db8:")
          .append(Integer.toHexString(i)).append("::/48\"]\n");
    }
    NftRuleset ruleset = NftCompiler.compile(parse(yaml.toString()));
    assertThat(ruleset.sets()).extracting(NftSet::name).containsExactly("in_1_tcp_v4", "in_1_tcp_v6");
    assertThat(rules(ruleset, "inbound_dnat").get(0)).startsWith("meta l4proto tcp ip saddr . ct original proto-dst @in_1_tcp_v4 counter accept");
    assertThat(ruleset.sets().get(0).type()).isEqualTo("ipv4_addr . inet_service");
    assertThat(ruleset.sets().get(0).elements()).hasSize(200).contains("10.7.0.0/16 . 1007");
    assertThat(rules(ruleset, "inbound")).containsExactly(
        "ip saddr . tcp dport @in_1_tcp_v4 counter accept comment \"" + ruleset.chain("inbound").rules().get(0).comment() + "\"",
        "ip6 saddr . tcp dport @in_1_tcp_v6 counter accept comment \"" + ruleset.chain("inbound").rules().get(1).comment() + "\"",
        "counter drop comment \"inbound default: deny\"");
    assertThat(ruleset.chain("inbound").rules().get(0).comment()).hasSizeLessThanOrEqualTo(128).endsWith("...");
    assertKernelAccepts(NftScript.write(ruleset));
  }

  @Test
  void commentsLoseDoubleQuotesAndStayWithinTheKernelLimit() {
    assertThat(NftRule.clean("say \"no\"")).isEqualTo("say 'no'");
    assertThat(NftRule.clean("é".repeat(100)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(128);
  }

  @Test
  void unknownChainIsNamed() {
    NftRuleset ruleset = NftCompiler.compile(Policy.defaults());
    assertThatThrownBy(() -> ruleset.chain("prerouting")).hasMessage("no chain prerouting in table inet porte");
  }

  @Test
  void theDesignExampleLoadsInBothModes() {
    String yaml = String.join("\n",
        "defaults: { inbound: deny, outbound: allow }",
        "groups:",
        "  office: [203.0.113.0/24, \"2001:db8:10::/48\"]",
        "inbound:",
        "  - allow: http",
        "  - allow: 443/tcp",
        "  - allow: ssh",
        "    from: office",
        "    comment: SSH \"only\" from the office",
        "  - reject: 3306",
        "outbound:",
        "  - deny: 80/tcp",
        "");
    assertKernelAccepts(NftScript.write(NftCompiler.compile(parse(yaml))));
    assertKernelAccepts(NftScript.write(NftCompiler.compile(parse("replies: stateful\n" + yaml))));
  }

  @Test
  void randomPoliciesAllLoad() {
    Random random = new Random(7);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      String yaml = Differential.randomPolicy(random);
      String script = NftScript.write(NftCompiler.compile(parse(yaml)));
      Tools.requireTools("nft", "unshare");
      Tools.Result r = Tools.nftCheck(script);
      assertThat(r.exit()).as("policy:\n" + yaml + "\nnft said:\n" + r.err() + "\n" + script).isZero();
      all.append(script);
    }
    assertThat(all.toString()).contains("ip saddr . tcp dport", "ip6 saddr . tcp dport", "reject with tcp reset");
  }

  @Test
  void tenThousandRulesCompileQuicklyIntoAFewKernelRules() {
    StringBuilder yaml = new StringBuilder("inbound:\n");
    for (int i = 0; i < 10_000; i++) {
      yaml.append("  - allow: ").append(1024 + i % 5000).append("/tcp\n    from: 10.").append(i / 250).append('.')
          .append(i % 250).append(".0/24\n");
    }
    Policy policy = parse(yaml.toString());
    long t0 = System.nanoTime();
    NftRuleset ruleset = NftCompiler.compile(policy);
    String script = NftScript.write(ruleset);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(rules(ruleset, "inbound")).hasSize(2);
    assertThat(ruleset.sets().get(0).elements()).hasSize(10_000);
    assertThat(millis).as("compile time in ms").isLessThan(5_000);
    assertKernelAccepts(script);
  }

  @Test
  void rulesOfOneLevelShareANamedSetWhoseElementsEachBelongToOneRule() {
    NftRuleset ruleset = NftCompiler.compile(parse(String.join("\n",
        "inbound:",
        "  - allow: 22/tcp",
        "  - allow: 20-80/tcp",
        "  - allow: 8080/tcp",
        "    from: 10.0.0.0/8",
        "  - allow: 8080/tcp",
        "    from: 10.1.0.0/16",
        "")));
    assertThat(ruleset.sets()).extracting(NftSet::name).containsExactly("in_1_tcp");
    NftSet ports = ruleset.sets().get(0);
    assertThat(ports.elements()).containsExactly("20-21", "22", "23-80");
    assertThat(ports.owners()).containsExactly(1, 0, 1);
    assertThat(rules(ruleset, "inbound").get(0)).startsWith("ip saddr . tcp dport { 10.0.0.0/8 . 8080 } counter accept");
    assertThat(ruleset.chain("inbound").rules().get(0).owner()).isEqualTo(new Owner.OfRule(2));
    assertThat(rules(ruleset, "inbound").get(1)).startsWith("tcp dport @in_1_tcp counter accept");
    assertThat(ruleset.chain("inbound").rules().get(1).owner()).isNull();
    assertThat(ruleset.chain("inbound").rules().get(2).owner()).isEqualTo(new Owner.OfDefault(dev.porte.core.model.Direction.INBOUND));
    assertKernelAccepts(NftScript.write(ruleset));
  }

  @Test
  void anInnerNetworkOfAnEarlierRuleGetsASetLookedUpBeforeTheOuterOne() {
    NftRuleset ruleset = NftCompiler.compile(parse(String.join("\n",
        "inbound:",
        "  - deny: [80/tcp, 81/tcp, 82/tcp, 83/tcp, 84/tcp]",
        "    from: [10.1.0.0/16, \"fd00:1::/32\"]",
        "  - deny: 80-90/tcp",
        "    from: [10.0.0.0/8, \"fd00::/16\"]",
        "  - deny: 80-90/tcp",
        "    from: [10.2.0.0/16, 10.3.0.0/16]",
        "")));
    assertThat(rules(ruleset, "inbound")).hasSize(5);
    assertThat(rules(ruleset, "inbound").get(0)).startsWith("ip saddr . tcp dport { 10.1.0.0/16 . 80-84 } counter drop");
    assertThat(rules(ruleset, "inbound").get(1)).startsWith("ip saddr . tcp dport { 10.0.0.0/8 . 80-90 } counter drop");
    assertThat(ruleset.chain("inbound").rules().get(1).owner()).isEqualTo(new Owner.OfRule(1));
    assertKernelAccepts(NftScript.write(ruleset));
  }

  @Test
  void aLoggedRuleLogsRateLimitedWithAPrefixNamingItThenDecides() {
    NftRuleset ruleset = NftCompiler.compile(parse("inbound:\n  - allow: 2222/tcp\n  - reject: 3306/tcp\n    log: true\n"));
    assertThat(rules(ruleset, "inbound")).containsExactly(
        "tcp dport 3306 limit rate 5/second burst 10 packets log prefix \"porte inbound reject porte.yaml:3 \" level info"
            + " comment \"log: porte.yaml:3: reject (priority 1000)\"",
        "tcp dport 3306 counter reject with tcp reset comment \"porte.yaml:3: reject (priority 1000)\"",
        "tcp dport 2222 counter accept comment \"porte.yaml:2: allow (priority 1000)\"",
        "counter drop comment \"inbound default: deny\"");
    assertThat(rules(ruleset, "inbound_dnat").get(0)).contains("log prefix \"porte inbound-dnat reject porte.yaml:3 \"");
    assertKernelAccepts(NftScript.write(ruleset));
  }

  @Test
  void publishedRepliesLogAndCountLikeLocalRepliesWithTheSameSets() {
    NftRuleset ruleset = NftCompiler.compile(parse(String.join("\n",
        "replies: filtered",
        "outbound:",
        "  - deny: 8080/tcp",
        "    log: true",
        "  - allow: [443/tcp, 8443/tcp]",
        "    to: [10.0.0.0/8, 192.168.0.0/16]",
        "  - allow: 9000/tcp",
        "    to: 172.16.0.0/12",
        "")));
    assertThat(rules(ruleset, "outbound_reply_dnat")).containsExactly(
        "meta l4proto tcp ct original proto-dst 8080 limit rate 5/second burst 10 packets"
            + " log prefix \"porte outbound-reply-dnat deny porte.yaml:3 \" level info comment \"log: porte.yaml:3: deny (priority 1000)\"",
        "meta l4proto tcp ct original proto-dst 8080 counter drop comment \"porte.yaml:3: deny (priority 1000)\"",
        "meta l4proto tcp ip daddr . ct original proto-dst @reply_2_tcp_v4 counter accept comment \"porte.yaml:5,7: allow (priority 1000)\"",
        "counter accept comment \"outbound default: allow\"");
    // One set for both reply chains, whose elements count for their own rules in either.
    assertThat(ruleset.sets()).extracting(NftSet::name).containsExactly("out_2_tcp_v4", "reply_2_tcp_v4");
    assertThat(ruleset.chain("outbound_reply_dnat").rules()).extracting(NftRule::owner)
        .isEqualTo(ruleset.chain("outbound_reply").rules().stream().map(NftRule::owner).collect(Collectors.toList()));
    assertKernelAccepts(NftScript.write(ruleset));
  }

  @Test
  void logPrefixesStayWithinTheLimitsOfNftAndIptables() {
    dev.porte.core.model.Rule rule = parse("outbound:\n  - reject: 80/tcp\n    log: true\n").rules().get(0);
    assertThat(LogPrefix.of("outbound-reply", rule, LogPrefix.NFT_MAX)).isEqualTo("porte outbound-reply reject porte.yaml:2 ");
    assertThat(LogPrefix.of("out", rule, LogPrefix.IPTABLES_MAX)).isEqualTo("porte out reject line 2 ");
    dev.porte.core.model.Rule deep = Policies.parser().parse("outbound:\n  - reject: 80/tcp\n    log: true\n",
        "/etc/porte/" + "x".repeat(200) + ".yaml").rules().get(0);
    assertThat(LogPrefix.of("outbound", deep, LogPrefix.NFT_MAX)).isEqualTo("porte outbound reject line 2 ");
    assertThat(LogPrefix.of("reply", deep, LogPrefix.IPTABLES_MAX)).hasSizeLessThanOrEqualTo(29).isEqualTo("porte reply reject line 2 ");
  }
}
