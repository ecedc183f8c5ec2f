package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CheckCommandTest {
  @TempDir static Path dir;
  static String policy;

  @BeforeAll
  static void writePolicy() throws IOException {
    Path file = dir.resolve("porte.yaml");
    Files.writeString(
        file,
        "groups:\n"
            + "  office: [203.0.113.0/24, 2001:db8:10::/48]\n"
            + "inbound:\n"
            + "  - allow: http\n"
            + "  - allow: ssh\n"
            + "    from: office\n"
            + "  - reject: 3306\n"
            + "  - allow: domain\n"
            + "outbound:\n"
            + "  - deny: 80/tcp\n");
    policy = file.toString();
  }

  @Test
  void aClosedPortIsDeniedByTheDefaultPolicy() {
    Cli result = Cli.run("check", "--policy", policy, "inbound", "22/tcp", "from", "198.51.100.7");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out())
        .contains("inbound 22/tcp from 198.51.100.7: DENY")
        .contains("decided by: default policy")
        .contains("the inbound default applies: deny (every inbound port is closed unless a rule opens it)")
        .contains("policy: " + policy + " (replies: filtered)");
  }

  @Test
  void aServiceNameIsExpandedAndTheGroupDecides() {
    Cli result = Cli.run("check", "--policy", policy, "inbound", "ssh", "from", "2001:db8:10::7");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("ssh means 22/tcp")
        .contains("inbound 22/tcp from 2001:db8:10::7: ALLOW")
        .contains("decided by: " + policy + " line 5")
        .contains("replies:    leave");
  }

  @Test
  void anAllowedPortWhoseRepliesAreDeniedSaysTheDownloadFails() {
    Cli result = Cli.run("check", "--policy", policy, "inbound", "80/tcp", "from", "198.51.100.7");
    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .contains("inbound 80/tcp from 198.51.100.7: ALLOW")
        .contains("replies:    BLOCKED (filtered mode: outbound 80/tcp to 198.51.100.7 is denied by " + policy + " line 10)")
        .contains("the client connects but receives nothing");
  }

  @Test
  void aBareNumberChecksTcpAndUdp() {
    Cli result = Cli.run("check", "--policy", policy, "inbound", "3306", "from", "203.0.113.9");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("inbound 3306/tcp from 203.0.113.9: REJECT").contains("inbound 3306/udp from 203.0.113.9: REJECT");
  }

  @Test
  void outboundIsOpenByDefault() {
    Cli result = Cli.run("check", "--policy", policy, "outbound", "443/tcp", "to", "192.0.2.1");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("outbound 443/tcp to 192.0.2.1: ALLOW").contains("everything may leave unless a rule stops it");
  }

  @Test
  void jsonSaysTheSame() {
    Cli result = Cli.run("check", "--policy", policy, "--json", "inbound", "80/tcp", "from", "198.51.100.7");
    assertThat(result.exit()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(result.out());
    JsonNode first = json.get("results").get(0);
    assertThat(first.get("verdict").asString()).isEqualTo("allow");
    assertThat(first.get("basis").asString()).isEqualTo("rule");
    assertThat(first.get("rule").get("line").asInt()).isEqualTo(4);
    assertThat(first.get("rule").get("summary").asString()).isEqualTo("allow http");
    assertThat(first.get("replies").get("leave").asBoolean()).isFalse();
    assertThat(first.get("replies").get("rule").get("line").asInt()).isEqualTo(10);
    assertThat(json.get("replies").asString()).isEqualTo("filtered");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock = """
      port out of range;  inbound; 70000/tcp; from; 198.51.100.7;  port out of range: 70000 (valid: 0-65535)
      wrong keyword;      inbound; 22/tcp;    to;   198.51.100.7;  expected 'from' before the address of an inbound flow, got 'to'
      a network;          inbound; 22/tcp;    from; 10.0.0.0/8;    not a single address: '10.0.0.0/8'
      bad address;        inbound; 22/tcp;    from; 300.1.1.1;     not an IP address: '300.1.1.1'
      bad direction;      sideways; 22/tcp;   from; 198.51.100.7;  unknown direction: 'sideways' (valid: inbound, outbound)
      a range;            inbound; 1-10/tcp;  from; 198.51.100.7;  check takes one port, not a range: '1-10/tcp'
      unknown service;    inbound; htp;       from; 198.51.100.7;  unknown service: 'htp'
      """)
  void badInputExitsTwo(String what, String direction, String port, String keyword, String address, String message) {
    Cli result = Cli.run("check", "--policy", policy, direction, port, keyword, address);
    assertThat(result.exit()).as(what).isEqualTo(2);
    assertThat(result.err()).as(what).startsWith("porte: ").contains(message);
    assertThat(result.err().strip().lines()).as(what).hasSize(1);
  }

  @Test
  void anInvalidPolicyFileExitsTwoNamingFileLineAndColumn() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "inbound:\n  - allow: 22\n    from: 10.0.0.0/4294967296\n");
    Cli result = Cli.run("check", "--policy", bad.toString(), "inbound", "22/tcp", "from", "198.51.100.7");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo(
        "porte: " + bad + ":3:11: bad prefix length in '10.0.0.0/4294967296': '/4294967296' (valid: /0-/32 for IPv4, /0-/128 for IPv6, no leading zeros)");
  }

  @Test
  void aMissingPolicyFileExitsThreeNamingIt() {
    Cli result = Cli.run("check", "--policy", dir.resolve("nope.yaml").toString(), "inbound", "22/tcp", "from", "198.51.100.7");
    assertThat(result.exit()).isEqualTo(3);
    assertThat(result.err()).contains("policy file not found: ").contains("nope.yaml");
  }

  @Test
  void missingArgumentsAreAUsageError() {
    Cli result = Cli.run("check", "inbound", "22/tcp");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required parameters").contains("porte check --help");
  }
}
