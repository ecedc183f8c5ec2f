package dev.porte.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.model.Direction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of bad input names the file, line and column, the bad value and what would be
 * valid. {@code |} stands for a line break in the policy text.
 */
class PolicyErrorsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      textBlock = """
      # what;                policy (| = newline);                                     code;            line; column; message contains
      port out of range;     inbound:|  - allow: 70000;                                 INVALID_PORT;     2;  12; port out of range: 70000 (valid: 0-65535)
      negative port;         inbound:|  - allow: -1;                                    INVALID_PORT;     2;  12; port out of range: -1
      port with letters;     inbound:|  - allow: 80a;                                   INVALID_PORT;     2;  12; not a port number: '80a'
      range written backwards; inbound:|  - allow: 8080-8000;                           INVALID_PORT;     2;  12; port range is reversed: 8080-8000
      unknown protocol;      inbound:|  - allow: 80/sctp;                               INVALID_PROTOCOL; 2;  12; unknown protocol in '80/sctp'
      icmp with a port;      inbound:|  - allow: 7/icmp;                                INVALID_PORT;     2;  12; icmp has no ports
      unknown service;       inbound:|  - allow: htp;                                   UNKNOWN_SERVICE;  2;  12; unknown service: 'htp'
      bad cidr prefix;       inbound:|  - allow: 22|    from: 10.0.0.0/33;              INVALID_CIDR;     3;  11; prefix length out of range in '10.0.0.0/33': /33
      overflowing prefix;    inbound:|  - allow: 22|    from: 10.0.0.0/4294967296;      INVALID_CIDR;     3;  11; bad prefix length in '10.0.0.0/4294967296'
      prefix leading zero;   inbound:|  - allow: 22|    from: 10.0.0.0/08;              INVALID_CIDR;     3;  11; bad prefix length in '10.0.0.0/08'
      host bits set;         inbound:|  - allow: 22|    from: 10.0.0.1/8;               INVALID_CIDR;     3;  11; host bits set in '10.0.0.1/8' (did you mean 10.0.0.0/8
      bad ipv6;              inbound:|  - allow: 22|    from: 2001:db8:::1;             INVALID_ADDRESS;  3;  11; not an IP address or network: '2001:db8:::1'
      ipv6 prefix too long;  inbound:|  - allow: 22|    from: 2001:db8::/129;           INVALID_CIDR;     3;  11; /129 (valid: /0-/128 for IPv6)
      inet_aton shorthand;   inbound:|  - allow: 22|    from: 10.1;                     INVALID_ADDRESS;  3;  11; not an IP address or network: '10.1'
      unknown group;         groups: { office: [192.0.2.0/24] }|inbound:|  - allow: 22|    from: ofice; UNKNOWN_GROUP; 4; 11; unknown group 'ofice' (defined groups: office)
      empty group;           groups:|  office: [];                                     INVALID_VALUE;    2;   3; group 'office' is empty
      bad cidr in a group;   groups:|  office: [192.0.2.0/24, 300.1.2.3];              INVALID_ADDRESS;  2;  26; '300.1.2.3'
      unknown top key;       inbond:|  - allow: 22;                                     UNKNOWN_KEY;      1;   1; unknown key 'inbond' in the policy (valid: defaults, replies, groups, inbound, outbound, services; did you mean inbound?)
      unknown rule key;      inbound:|  - allow: 22|    port: 23;                       UNKNOWN_KEY;      3;   5; unknown key 'port' in an inbound rule
      to in an inbound rule; inbound:|  - allow: 22|    to: 192.0.2.1;                  UNKNOWN_KEY;      3;   5; inbound rules name the remote side with 'from', not 'to'
      two actions;           inbound:|  - allow: 22|    deny: 23;                       INVALID_VALUE;    3;   5; more than one action (allow, deny)
      no action;             inbound:|  - from: 192.0.2.1;                              INVALID_VALUE;    2;   5; needs one of allow, deny, reject
      duplicate key;         inbound:|  - allow: 22|inbound:|  - allow: 23;            DUPLICATE;        3;   1; duplicate key 'inbound' (first written at line 1
      duplicate rule key;    inbound:|  - allow: 22|    allow: 23;                      DUPLICATE;        3;   5; duplicate key 'allow'
      duplicate service;     services:|  80: 127.0.0.1:8080|  80/tcp: 127.0.0.1:8081;   DUPLICATE;        3;   3; service for 80/tcp is defined twice (first at line 2)
      yaml syntax error;     inbound: [22, 23|outbound: x;                              SYNTAX;           2;   9; YAML syntax error
      tab indentation;       inbound:|	- allow: 22;                                    SYNTAX;           2;   1; YAML syntax error
      bad default action;    defaults: { inbound: block };                              INVALID_VALUE;    1;  22; unknown action: 'block' (valid: allow, deny, reject)
      bad default direction; defaults: { sideways: deny };                              UNKNOWN_KEY;      1;  13; unknown key 'sideways' in defaults (valid: inbound, outbound)
      bad reply mode;        replies: stateless;                                        INVALID_VALUE;    1;  10; unknown reply mode: 'stateless' (valid: filtered, stateful)
      negative priority;     inbound:|  - allow: 22|    priority: -5;                   INVALID_VALUE;    3;  15; priority out of range: -5
      word priority;         inbound:|  - allow: 22|    priority: high;                 INVALID_VALUE;    3;  15; priority must be a whole number
      enabled not boolean;   inbound:|  - allow: 22|    enabled: maybe;                 INVALID_VALUE;    3;  14; enabled must be true or false, not 'maybe'
      rule not a map;        inbound:|  - 22;                                           INVALID_VALUE;    2;   5; an inbound rule (write e.g. '- allow: 443/tcp') must be a map
      any mixed with ports;  inbound:|  - allow: [any, 22];                             INVALID_PORT;     2;  13; 'any' means every port and cannot be listed with other ports
      empty from;            inbound:|  - allow: 22|    from: [];                       INVALID_ADDRESS;  3;  11; 'from' is empty
      proto contradicts;     inbound:|  - allow: 80/udp|    proto: tcp;                 INVALID_PROTOCOL; 2;  12; '80/udp' contradicts proto: tcp
      bad backend;           services:|  80: { to: localhost };                        INVALID_ADDRESS;  2;  13; bad backend 'localhost' (valid: HOST:PORT
      backend port range;    services:|  80: { to: 127.0.0.1:99999 };                  INVALID_PORT;     2;  13; backend port '99999' in '127.0.0.1:99999' (valid: 1-65535)
      backend port 65536;    services:|  80: { to: 127.0.0.1:65536 };                  INVALID_PORT;     2;  13; backend port '65536' in '127.0.0.1:65536' (valid: 1-65535)
      backend port 0;        services:|  80: { to: 127.0.0.1:0 };                      INVALID_PORT;     2;  13; backend port '0' in '127.0.0.1:0' (valid: 1-65535)
      backend port words;    services:|  80: { to: 'localhost:http' };                 INVALID_PORT;     2;  13; backend port 'http' in 'localhost:http' (valid: 1-65535)
      backend port twice;    services:|  80: { to: '[::1]:80:1' };                     INVALID_PORT;     2;  13; backend port '80:1' in '[::1]:80:1' (valid: 1-65535)
      service on port 0;     services:|  0: { to: 127.0.0.1:8080 };                    INVALID_PORT;     2;   3; a service cannot listen on port 0: '0' (valid: 1-65535
      service without to;    services:|  80: { proto: udp };                           INVALID_VALUE;    2;   7; service 80 has no 'to'
      bad proxy version;     services:|  80: { to: 127.0.0.1:8080, proxy: v3 };        INVALID_VALUE;    2;  36; unknown PROXY protocol version: 'v3' (valid: v1, v2, none)
      proxy over udp;        services:|  domain: { to: 127.0.0.1:5353, proxy: v2 };    INVALID_VALUE;    2;  40; service domain is served over udp, and the PROXY protocol header is for tcp only
      idle not a duration;   services:|  22: { to: 127.0.0.1:2222, idle: forever };    INVALID_VALUE;    2;  35; service 22 idle 'forever' is not a duration (valid: a number of seconds, or one with a unit: 500ms, 30s, 5m, 1h, 1d)
      idle too long;         services:|  22: { to: 127.0.0.1:2222, idle: 2d };         INVALID_VALUE;    2;  35; service 22 idle 2d is out of range (valid: 1s to 1d)
      cap not a number;      services:|  3306: { to: 127.0.0.1:3307, max_connections: many };  INVALID_VALUE; 2; 48; service 3306 max_connections must be a whole number in 1-1000000: 'many'
      cap of zero;           services:|  3306: { to: 127.0.0.1:3307, max_connections: 0 };     INVALID_VALUE; 2; 48; service 3306 max_connections must be a whole number in 1-1000000: '0'
      cap on udp only;       services:|  53/udp: { to: 127.0.0.1:5353, max_connections: 5 };   INVALID_VALUE; 2; 50; service 53/udp is served over udp only, and max_connections caps TCP connections
      idle too short;        services:|  22: { to: 127.0.0.1:2222, idle: 500ms };      INVALID_VALUE;    2;  35; service 22 idle 500ms is out of range (valid: 1s to 1d)
      retries too many;      services:|  80: { to: 127.0.0.1:8080, retries: 101 };     INVALID_VALUE;    2;  38; service 80 retries must be a whole number in 0-100: '101'
      retries negative;      services:|  80: { to: 127.0.0.1:8080, retries: -1 };      INVALID_VALUE;    2;  38; service 80 retries must be a whole number in 0-100: '-1'
      connect timeout zero;  services:|  80: { to: 127.0.0.1:8080, connect_timeout: 0ms };  INVALID_VALUE; 2; 46; service 80 connect_timeout 0ms is out of range (valid: 1ms to 1d)
      connect timeout word;  services:|  80: { to: 127.0.0.1:8080, connect_timeout: soon }; INVALID_VALUE; 2; 46; service 80 connect_timeout 'soon' is not a duration
      retries on udp only;   services:|  53/udp: { to: 127.0.0.1:5353, retries: 2 };   INVALID_VALUE;    2;  42; service 53/udp is served over udp only, and connect_timeout and retries are for dialling a TCP backend
      top level not a map;   - allow: 22;                                               INVALID_VALUE;    1;   1; a policy must be a map
      two documents;         inbound: []|---|inbound: [];                               SYNTAX;           3;   1; more than one document
      """)
  void badInputIsRefusedWithItsPlaceAndWhatIsValid(
      String what, String policy, ErrorCode code, int line, int column, String message) {
    String text = policy.replace("|", "\n");

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> TestPolicies.parser().parse(text, "porte.yaml"));

    assertThat(e).as(what).isNotNull();
    assertThat(e.getMessage()).as(what).contains(message).startsWith("porte.yaml:" + line + ":" + column + ": ");
    assertThat(e.getMessage()).as(what + ": one line").doesNotContain("\n");
    assertThat(e.code()).as(what).isEqualTo(code);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      textBlock = """
      port out of range; {"inbound": [{"allow": 70000}]};          INVALID_PORT; 1; 24; port out of range: 70000
      json syntax;       {"inbound": [{"allow": 22}};              SYNTAX;       1; 27; JSON syntax error
      duplicate key;     {"inbound": [], "inbound": []};           DUPLICATE;    1; 17; duplicate key 'inbound'
      """)
  void jsonErrorsToo(String what, String policy, ErrorCode code, int line, int column, String message) {
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> TestPolicies.parser().parse(policy, "porte.json"));
    assertThat(e).as(what).isNotNull();
    assertThat(e.getMessage()).as(what).contains(message).startsWith("porte.json:" + line + ":" + column + ": ");
    assertThat(e.code()).isEqualTo(code);
  }

  @Test
  void policiesOverTheOldThreeMebibyteYamlLimitLoad() {
    // 4 MiB of comment and a rule after it: the YAML engine's default limit (3 MiB) stopped here.
    String text = ("# " + "x".repeat(1022) + "\n").repeat(4096) + "inbound:\n  - allow: 22\n";
    assertThat(TestPolicies.parser().parse(text, "big.yaml").rules(Direction.INBOUND)).hasSize(1);
  }

  @Test
  void aPolicyOverTheLimitIsRefusedWithItsSizeAndTheLimit() {
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> DocReader.checkSize(70L << 20, "huge.yaml"));
    assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(e.getMessage()).contains("huge.yaml:1:1").contains("policy is 70.0 MiB, over the limit of 64 MiB");
    assertThat(catchThrowableOfType(PolicyException.class, () -> DocReader.checkSize(64L << 20, "edge.yaml"))).isNull();
  }

  @Test
  void anOversizedFileIsRefusedBeforeItIsRead() throws IOException {
    Path file = Files.createTempFile("porte-huge", ".yaml");
    try (var channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {'#'}), (65L << 20)); // sparse: no 65 MiB written
      PolicyException e = catchThrowableOfType(PolicyException.class, () -> TestPolicies.parser().load(file));
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(e.getMessage()).contains("over the limit of 64 MiB");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
