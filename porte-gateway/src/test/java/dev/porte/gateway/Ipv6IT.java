package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IPv6 on ::1: the gateway listens there and judges IPv6 clients by IPv6 rules. */
class Ipv6IT {
  private static final InetAddress V6_LOOPBACK = loopback6();

  private static InetAddress loopback6() {
    try {
      return InetAddress.getByName("::1");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String policyFor(int backendPort, String from) {
    return "inbound:\n  - allow: 7/tcp\n    from: " + from + "\nservices:\n  7: { to: 127.0.0.1:" + backendPort + " }\n";
  }

  private static Gateway start(String yaml) {
    // ::1 is the only IPv6 loopback address, so it is judged as a documentation address.
    return Gateway.start(policy(yaml), GatewayConfig.builder()
        .bind(List.of(V6_LOOPBACK))
        .listenPort(port -> 0)
        .clientAlias(Map.of(IpAddress.parse("::1"), IpAddress.parse("2001:db8::7")))
        .build());
  }

  @Test
  void anAllowedIpv6ClientIsRelayedAndAnotherNetworkIsDenied() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = start(policyFor(echo.port(), "2001:db8::/32"))) {
      InetSocketAddress at = gateway.address(Protocol.TCP, 7);
      assertThat(at.getAddress()).isInstanceOf(Inet6Address.class);
      try (Socket s = new Socket(V6_LOOPBACK, at.getPort())) {
        s.setSoTimeout(3000);
        s.getOutputStream().write("over v6".getBytes());
        assertThat(new String(s.getInputStream().readNBytes(7))).isEqualTo("over v6");
      }
      gateway.reload(policy(policyFor(echo.port(), "2001:db8:1::/48")));
      try (Socket s = new Socket(V6_LOOPBACK, at.getPort())) {
        s.setSoTimeout(3000);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(gateway.metrics().refusedByPort()).containsEntry("7/tcp", 1L);
      assertThat(echo.connections).hasValue(1);
    }
  }
}
