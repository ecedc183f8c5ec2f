package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.Policies;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTest {
  private static ListeningSocket socket(Protocol protocol, String address, int port, String process) {
    return new ListeningSocket(protocol, IpAddress.parse(address), port, 1, process);
  }

  @Test
  void eachListenerGetsItsVerdictAndIdleAllowedPortsAreListed() {
    Policy policy = Policies.parser().parse(String.join("\n",
        "groups:",
        "  office: [203.0.113.0/24]",
        "inbound:",
        "  - allow: http",
        "  - allow: 443/tcp",
        "  - allow: ssh",
        "    from: office",
        "outbound:",
        "  - deny: 80/tcp",
        ""), "porte.yaml");
    List<String> report = Audit.report(policy, List.of(
        socket(Protocol.TCP, "0.0.0.0", 22, "sshd (pid 812)"),
        socket(Protocol.TCP, "::", 80, "nginx (pid 900)"),
        socket(Protocol.TCP, "::", 80, "nginx (pid 900)"),
        socket(Protocol.TCP, "127.0.0.1", 5432, "postgres (pid 77)"),
        socket(Protocol.UDP, "0.0.0.0", 68, "dhclient (pid 5)")));
    assertThat(report).containsExactly(
        "22/tcp sshd (pid 812) listens on 0.0.0.0 — inbound denied by default policy; allowed only from office (porte.yaml:6)",
        "80/tcp nginx (pid 900) listens on [::] — inbound allowed by porte.yaml line 4, but its replies are denied by porte.yaml line 9"
            + " (replies: filtered): clients connect and receive nothing",
        "5432/tcp postgres (pid 77) listens on 127.0.0.1 — loopback only: not reachable from other hosts",
        "68/udp dhclient (pid 5) listens on 0.0.0.0 — inbound denied by default policy",
        "443/tcp allowed inbound by porte.yaml:5 but nothing listens on it");
  }
}
