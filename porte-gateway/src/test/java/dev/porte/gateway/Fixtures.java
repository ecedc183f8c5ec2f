package dev.porte.gateway;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the gateway tests share. Loopback is always allowed (DESIGN.md), so clients bind to
 * 127.0.0.2 (the circle client) or 127.0.0.3 (the diamond client) and the gateway is told to judge
 * them as the seed's addresses. Nothing here decides a verdict; the engine does.
 */
final class Fixtures {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final String CIRCLE_LOCAL = "127.0.0.2";
  static final String DIAMOND_LOCAL = "127.0.0.3";
  static final IpAddress CIRCLE = IpAddress.parse("198.51.100.7");
  static final IpAddress DIAMOND = IpAddress.parse("203.0.113.9");

  private Fixtures() {}

  static Policy policy(String yaml) {
    return Policies.parser().parse(yaml, "test.yaml");
  }

  /** Listens on loopback on free ports, judging 127.0.0.2 as the circle and 127.0.0.3 as the diamond. */
  static GatewayConfig.Builder config() {
    return GatewayConfig.builder()
        .bind(List.of(LOOPBACK))
        .listenPort(port -> 0)
        .ioThreads(2)
        .clientAlias(Map.of(
            IpAddress.parse(CIRCLE_LOCAL), CIRCLE,
            IpAddress.parse(DIAMOND_LOCAL), DIAMOND));
  }

  static Socket connectFrom(String local, InetSocketAddress to) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    s.connect(to, 2000);
    s.setSoTimeout(3000);
    return s;
  }

  static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
