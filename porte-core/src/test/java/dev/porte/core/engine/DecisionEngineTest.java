package dev.porte.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pinned edge cases of DESIGN.md section 1. Each row is checked against the engine and against the
 * reference evaluator, so a row also pins the definition itself. Notation: {@link PolicyText}.
 */
class DecisionEngineTest {

  @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
      # Ties: at equal priority a block beats an allow, wherever it is written.
      in allow 22/tcp; in deny 22/tcp                              | in 22/tcp 198.51.100.7  | deny #1
      in deny 22/tcp; in allow 22/tcp                              | in 22/tcp 198.51.100.7  | deny #0
      in allow 22/tcp; in reject 22/tcp                            | in 22/tcp 198.51.100.7  | reject #1
      # Deny and reject are both blocks: between them the first written wins.
      in reject 22/tcp; in deny 22/tcp                             | in 22/tcp 198.51.100.7  | reject #0
      in deny 22/tcp; in reject 22/tcp                             | in 22/tcp 198.51.100.7  | deny #0
      # Two allows of equal priority: the first written decides.
      in allow 22/tcp; in allow any                                | in 22/tcp 198.51.100.7  | allow #0
      # An explicit 1000 is the default priority: it ties.
      in allow 22/tcp prio 1000; in deny 22/tcp                    | in 22/tcp 198.51.100.7  | deny #1
      # The lower number wins, whatever the action.
      in deny 22/tcp; in allow 22/tcp prio 999                     | in 22/tcp 198.51.100.7  | allow #1
      in allow 22/tcp prio 5; in deny 22/tcp prio 6                | in 22/tcp 198.51.100.7  | allow #0
      in deny any prio 0; in allow 22/tcp from 198.51.100.7 prio 1 | in 22/tcp 198.51.100.7  | deny #0
      # Loopback is always allowed, whatever the rules.
      in deny any prio 0                                           | in 22/tcp 127.0.0.1     | allow loopback
      in deny any from 127.0.0.0/8 prio 0                          | in 22/tcp 127.255.0.9   | allow loopback
      out reject any; default out deny                             | out 443/tcp ::1         | allow loopback
      in deny any from ::/0                                        | in 80/udp ::ffff:127.0.0.1 | allow loopback
      in deny any                                                  | in icmp 127.0.0.1       | allow loopback
      in deny any                                                  | in 22/tcp 128.0.0.1     | deny #0
      in deny any                                                  | in 22/tcp ::2           | deny #0
      # Disabled rules are ignored.
      default in allow; in deny 22/tcp off                         | in 22/tcp 198.51.100.7  | allow default
      in deny 22/tcp prio 1 off; in allow 22/tcp                   | in 22/tcp 198.51.100.7  | allow #1
      # Port 0 and 65535.
      in allow 0/tcp                                               | in 0/tcp 198.51.100.7   | allow #0
      in allow 0/tcp                                               | in 1/tcp 198.51.100.7   | deny default
      in allow 65535/udp                                           | in 65535/udp 198.51.100.7 | allow #0
      in allow 65535/udp                                           | in 65534/udp 198.51.100.7 | deny default
      in allow 65535/tcp                                           | in 65535/udp 198.51.100.7 | deny default
      in allow 1-65534/tcp                                         | in 0/tcp 198.51.100.7   | deny default
      in allow 1-65534/tcp                                         | in 1/tcp 198.51.100.7   | allow #0
      in allow 1-65534/tcp                                         | in 65534/tcp 198.51.100.7 | allow #0
      in allow 1-65534/tcp                                         | in 65535/tcp 198.51.100.7 | deny default
      in allow 65535/tcp from 10.0.0.0/8                           | in 65535/tcp 10.0.0.1   | allow #0
      in allow 0/tcp from 2001:db8::/32                            | in 0/tcp 2001:db8::1    | allow #0
      in allow 0/tcp from 2001:db8::/32                            | in 1/tcp 2001:db8::1    | deny default
      # /0, /32 and /128.
      in allow 22/tcp from 0.0.0.0/0                               | in 22/tcp 255.255.255.255 | allow #0
      in allow 22/tcp from 0.0.0.0/0                               | in 22/tcp 0.0.0.0       | allow #0
      in allow 22/tcp from 0.0.0.0/0                               | in 22/tcp 2001:db8::1   | deny default
      in allow 22/tcp from ::/0                                    | in 22/tcp ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | allow #0
      in allow 22/tcp from ::/0                                    | in 22/tcp 10.0.0.1      | deny default
      in allow 22/tcp from 192.0.2.7/32                            | in 22/tcp 192.0.2.7     | allow #0
      in allow 22/tcp from 192.0.2.7/32                            | in 22/tcp 192.0.2.8     | deny default
      in allow 22/tcp from 192.0.2.7/32                            | in 22/tcp 192.0.2.6     | deny default
      in allow 22/tcp from 2001:db8::7/128                         | in 22/tcp 2001:db8::7   | allow #0
      in allow 22/tcp from 2001:db8::7/128                         | in 22/tcp 2001:db8::8   | deny default
      in allow 22/tcp from 2001:db8::7/128                         | in 22/tcp 2001:db8::6   | deny default
      in allow 22/tcp from 2001:db8::/64                           | in 22/tcp 2001:db8::ffff:ffff:ffff:ffff | allow #0
      in allow 22/tcp from 2001:db8::/64                           | in 22/tcp 2001:db8:0:1:: | deny default
      # IPv4 and IPv6 never cross-match, IPv4-mapped addresses included.
      in allow 22/tcp from 10.0.0.0/8                              | in 22/tcp ::ffff:10.0.0.1 | deny default
      in allow 22/tcp from ::ffff:0:0/96                           | in 22/tcp 10.0.0.1      | deny default
      in allow 22/tcp from ::/96                                   | in 22/tcp 10.0.0.1      | deny default
      in allow 22/tcp from ::ffff:0:0/96                           | in 22/tcp ::ffff:10.0.0.1 | allow #0
      # Nested networks: the rank decides, not the prefix length.
      in allow 22/tcp from 10.0.0.0/8 prio 10; in deny 22/tcp from 10.1.0.0/16 | in 22/tcp 10.1.2.3 | allow #0
      in deny 22/tcp from 10.1.0.0/16; in allow 22/tcp from 10.0.0.0/8         | in 22/tcp 10.1.2.3 | deny #0
      in deny 22/tcp from 10.1.0.0/16; in allow 22/tcp from 10.0.0.0/8         | in 22/tcp 10.2.0.1 | allow #1
      # The network probed first (it holds the best rank overall) may not hold the best rank for this port.
      in deny 23/tcp from 10.0.0.0/8 prio 1; in allow 22/tcp from 10.0.0.0/8 prio 50; in deny 22/tcp from 10.1.0.0/16 prio 20 | in 22/tcp 10.1.2.3 | deny #2
      # A /63 stored as four /65s: the copies' bits straddle the two 64-bit halves of the address.
      in allow 22/tcp from 2001:db8:0:2::/63; in deny 22/tcp from 2001:db8:0:2::/65 | in 22/tcp 2001:db8:0:3:ffff:ffff:ffff:ffff | allow #0
      in allow 22/tcp from 2001:db8:0:2::/63; in deny 22/tcp from 2001:db8:0:2::/65 | in 22/tcp 2001:db8:0:3::          | allow #0
      in allow 22/tcp from 2001:db8:0:2::/63; in deny 22/tcp from 2001:db8:0:2::/65 | in 22/tcp 2001:db8:0:2:8000::     | allow #0
      in allow 22/tcp from 2001:db8:0:2::/63; in deny 22/tcp from 2001:db8:0:2::/65 | in 22/tcp 2001:db8:0:2:7fff::     | deny #1
      in allow 22/tcp from 2001:db8:0:2::/63; in deny 22/tcp from 2001:db8:0:2::/65 | in 22/tcp 2001:db8:0:4::          | deny default
      # A /8 stored as 256 /16s, merged with the /16 already there.
      in deny 80/tcp from 10.0.0.0/8; in allow 80-81/tcp from 10.7.0.0/16 prio 5 | in 81/tcp 10.7.255.255 | allow #1
      in deny 80/tcp from 10.0.0.0/8; in allow 80-81/tcp from 10.7.0.0/16 prio 5 | in 80/tcp 10.8.0.0     | deny #0
      in deny 80/tcp from 10.0.0.0/8; in allow 80-81/tcp from 10.7.0.0/16 prio 5 | in 80/tcp 10.255.255.255 | deny #0
      in deny 80/tcp from 10.0.0.0/8; in allow 80-81/tcp from 10.7.0.0/16 prio 5 | in 80/tcp 11.0.0.0     | deny default
      # One network, several port ranges: the intervals of one table entry.
      in allow 1000-2000/tcp from 10.0.0.0/8; in deny 1500/tcp from 10.0.0.0/8 | in 1500/tcp 10.9.9.9 | deny #1
      in allow 1000-2000/tcp from 10.0.0.0/8; in deny 1500/tcp from 10.0.0.0/8 | in 1499/tcp 10.9.9.9 | allow #0
      in allow 1000-2000/tcp from 10.0.0.0/8; in deny 1500/tcp from 10.0.0.0/8 | in 2000/tcp 10.9.9.9 | allow #0
      in allow 1000-2000/tcp from 10.0.0.0/8; in deny 1500/tcp from 10.0.0.0/8 | in 2001/tcp 10.9.9.9 | deny default
      in allow 1000-2000/tcp from 10.0.0.0/8; in deny 1500/tcp from 10.0.0.0/8 | in 999/tcp 10.9.9.9  | deny default
      # Protocols and ICMP.
      in allow icmp                                                | in icmp 198.51.100.7    | allow #0
      in allow tcp                                                 | in icmp 198.51.100.7    | deny default
      in allow any                                                 | in icmp 198.51.100.7    | allow #0
      in allow icmp from 2001:db8::/32                             | in icmp 2001:db8::1     | allow #0
      in allow 53/udp                                              | in 53/tcp 198.51.100.7  | deny default
      # Directions and default actions.
      default in allow; out deny 80/tcp                            | in 80/tcp 198.51.100.7  | allow default
      default out reject                                           | out 443/tcp 198.51.100.7 | reject default
      ;                                                            | in 22/tcp 198.51.100.7  | deny default
      ;                                                            | out 22/tcp 198.51.100.7 | allow default
      """)
  void decides(String policy, String flow, String expected) {
    Policy p = PolicyText.policy(policy);
    Flow f = PolicyText.flow(flow);
    assertThat(PolicyText.decision(new ReferenceEvaluator(p).decide(f))).as("reference").isEqualTo(expected);
    assertThat(PolicyText.decision(DecisionEngine.compile(p).decide(f))).as("engine").isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}, {3}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
      # filtered (the default): the download needs the outbound verdict too.
      in allow 80/tcp; out deny 80/tcp                        | in 80/tcp 198.51.100.7  | allow #0     | deny #1
      in allow 80/tcp                                         | in 80/tcp 198.51.100.7  | allow #0     | allow default
      in allow 80/tcp; default out deny                       | in 80/tcp 198.51.100.7  | allow #0     | deny default
      # stateful: replies of an admitted connection always leave.
      in allow 80/tcp; out deny 80/tcp; replies stateful      | in 80/tcp 198.51.100.7  | allow #0     | allow #0
      # Refused at the door: nothing flows either way.
      out deny 80/tcp                                         | in 80/tcp 198.51.100.7  | deny default | deny default
      # The host's own connection: its replies come back in.
      out allow 443/tcp; default out deny                     | out 443/tcp 198.51.100.7 | allow #0    | allow #0
      """)
  void connects(String policy, String flow, String open, String data) {
    Policy p = PolicyText.policy(policy);
    Flow f = PolicyText.flow(flow);
    for (Evaluator evaluator : List.of(new ReferenceEvaluator(p), DecisionEngine.compile(p))) {
      ConnectionVerdict verdict = evaluator.connect(f);
      assertThat(PolicyText.decision(verdict.open())).as("open, %s", evaluator.getClass().getSimpleName()).isEqualTo(open);
      assertThat(PolicyText.decision(verdict.data())).as("data, %s", evaluator.getClass().getSimpleName()).isEqualTo(data);
    }
  }

  @Test
  void returnsTheRuleInstancesOfThePolicy() {
    Policy p = PolicyText.policy("in allow 22/tcp; in deny 23/tcp from 10.0.0.0/8; in reject any from 2001:db8::/32");
    DecisionEngine engine = DecisionEngine.compile(p);
    assertThat(engine.decide(PolicyText.flow("in 22/tcp 10.0.0.1")).rule()).isSameAs(p.rules().get(0));
    assertThat(engine.decide(PolicyText.flow("in 23/tcp 10.0.0.1")).rule()).isSameAs(p.rules().get(1));
    assertThat(engine.decide(PolicyText.flow("in icmp 2001:db8::1")).rule()).isSameAs(p.rules().get(2));
    assertThat(engine.ruleCount()).isEqualTo(3);
    assertThat(engine.policy()).isSameAs(p);
  }

  @Test
  void decideAllocatesNothing() {
    Policy p = PolicyText.policy(
        "in allow 22/tcp from 10.0.0.0/8; in deny 1000-2000/tcp from 10.1.0.0/16; in allow 1500/tcp from 10.1.0.0/16 prio 1;"
            + " in deny any from 2001:db8::/48; in allow 443/tcp; out deny 25/tcp from 192.0.2.0/24");
    DecisionEngine engine = DecisionEngine.compile(p);
    List<Flow> flows = new ArrayList<>();
    for (String text : new String[] {
        "in 22/tcp 10.0.0.1", "in 1500/tcp 10.1.0.1", "in 1499/tcp 10.1.0.1", "in icmp 2001:db8::1",
        "in 443/tcp 2001:db8:1::1", "out 25/tcp 192.0.2.9", "out 25/tcp 127.0.0.1", "in 9/udp 203.0.113.1"}) {
      flows.add(PolicyText.flow(text));
    }
    Flow[] table = flows.toArray(new Flow[0]);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < 200_000; i++) { // warm up, so that the JIT has settled
      sink += engine.decide(table[i & 7]).action().ordinal();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1_000_000; i++) {
      sink += engine.decide(table[i & 7]).action().ordinal();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    // A single allocation per call would be at least 16 MB here; allow for the probe's own noise.
    assertThat(allocated).as("bytes allocated by 1,000,000 decisions").isLessThan(64 * 1024);
  }

  @Test
  void flowsOfEveryProtocolWorkOnAnEmptyPolicy() {
    DecisionEngine engine = DecisionEngine.compile(Policy.defaults());
    for (Protocol protocol : Protocol.CONCRETE) {
      Flow in = Flow.inbound(protocol, 65535, IpAddress.parse("2001:db8::1"));
      Flow out = Flow.outbound(protocol, 0, IpAddress.parse("192.0.2.1"));
      assertThat(PolicyText.decision(engine.decide(in))).isEqualTo("deny default");
      assertThat(PolicyText.decision(engine.decide(out))).isEqualTo("allow default");
    }
    assertThat(engine.decide(Flow.inbound(Protocol.TCP, 1, IpAddress.parse("127.0.0.1")))).isSameAs(Decision.LOOPBACK);
  }
}
