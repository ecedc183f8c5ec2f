package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.DIAMOND_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real clients that are not Java: curl and ncat (Debian's curl and ncat; .ci/run installs them),
 * started as processes with their source address set so that the gateway judges them as the
 * circle or diamond client.
 */
class ExternalClientsIT {
  private static final String PAGE = "served through porte";

  private TestBackends.Http web;
  private TestBackends.Tcp echo;
  private TestBackends.UdpEcho udpEcho;
  private Gateway gateway;

  /** What a finished process said and how it ended. */
  record Run(int exit, String out) {}

  @BeforeEach
  void start() throws IOException {
    web = new TestBackends.Http(PAGE);
    echo = TestBackends.Tcp.echo();
    udpEcho = new TestBackends.UdpEcho(java.net.InetAddress.getLoopbackAddress());
    gateway = Gateway.start(policy("inbound:\n"
        + "  - allow: [http, 8081/tcp, 7/tcp, 5353/udp]\n    from: 198.51.100.0/24\n"
        + "  - reject: 8443/tcp\n"
        + "outbound:\n  - deny: 8081/tcp\n"
        + "services:\n"
        + "  80: { to: 127.0.0.1:" + web.port() + " }\n"
        + "  8081: { to: 127.0.0.1:" + web.port() + " }\n"
        + "  8443: { to: 127.0.0.1:" + web.port() + " }\n"
        + "  7: { to: 127.0.0.1:" + echo.port() + " }\n"
        + "  5353: { to: 127.0.0.1:" + udpEcho.port() + ", proto: udp }\n"
), config().build());
  }

  @AfterEach
  void stop() throws IOException {
    gateway.close();
    web.close();
    echo.close();
    udpEcho.close();
  }

  private static Run run(String stdin, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 15 s");
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /**
   * Runs ncat with its stdin kept open until {@code expect} bytes came back or the connection
   * ended: ncat closes the whole connection at end of input, which would race the echo.
   */
  private static Run ncat(String send, int expect, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      p.getOutputStream().write(send.getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().flush();
      byte[] got = p.getInputStream().readNBytes(expect);
      p.getOutputStream().close();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not finish in 15 s");
      }
      return new Run(p.exitValue(), new String(got, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  private String url(int servicePort) {
    InetSocketAddress at = gateway.address(Protocol.TCP, servicePort);
    return "http://127.0.0.1:" + at.getPort() + "/";
  }

  private static List<String> curl(String from, String url) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5", "--interface", from, url));
    return cmd;
  }

  @Test
  void curlFromTheCircleClientGetsThePage() throws Exception {
    Run r = run("", curl(CIRCLE_LOCAL, url(80)).toArray(String[]::new));
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).isEqualTo(PAGE);
  }

  @Test
  void curlFromTheDiamondClientGetsAnEmptyReply() throws Exception {
    Run r = run("", curl(DIAMOND_LOCAL, url(80)).toArray(String[]::new));
    // curl exit 52: "Empty reply from server" - the connection closed without a byte.
    assertThat(r.exit()).as(r.out()).isEqualTo(52);
    assertThat(web.requests).hasValue(0);
  }

  @Test
  void curlAtARejectedPortSeesAReset() throws Exception {
    Run r = run("", curl(CIRCLE_LOCAL, url(8443)).toArray(String[]::new));
    // The RST comes right after the handshake: curl reports it as exit 56 "Recv failure:
    // Connection reset by peer", or, when it lands while curl still finishes connect(), as exit 7
    // "Couldn't connect". Either way: refused at once, no reply, no timeout.
    assertThat(r.exit()).as(r.out()).isIn(7, 56);
    assertThat(r.out()).containsAnyOf("reset", "Couldn't connect");
    assertThat(web.requests).hasValue(0);
  }

  @Test
  void curlWithOutboundDeniedReachesTheServiceButDownloadsNothing() throws Exception {
    Run r = run("", curl(CIRCLE_LOCAL, url(8081)).toArray(String[]::new));
    assertThat(r.exit()).as(r.out()).isEqualTo(52);
    assertThat(r.out()).doesNotContain(PAGE);
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(web.requests).hasValue(1));
  }

  @Test
  void ncatTcpEchoesThroughTheGatewayAndIsDroppedFromTheDiamond() throws Exception {
    int port = gateway.address(Protocol.TCP, 7).getPort();
    Run circle = ncat("hello through porte\n", 20, "ncat", "-s", CIRCLE_LOCAL, "127.0.0.1", Integer.toString(port));
    assertThat(circle.exit()).as(circle.out()).isZero();
    assertThat(circle.out()).isEqualTo("hello through porte\n");

    // ncat keeps running after the server's FIN while its stdin is open; end its input at once.
    Run diamond = run("let me in\n", "ncat", "-s", DIAMOND_LOCAL, "127.0.0.1", Integer.toString(port));
    assertThat(diamond.out()).doesNotContain("let me in");
    assertThat(echo.received).hasValue("hello through porte\n".length());
  }

  @Test
  void ncatUdpGetsItsEchoFromTheCircleAndNothingFromTheDiamond() throws Exception {
    int port = gateway.address(Protocol.UDP, 5353).getPort();
    // ncat -u ends at end of input without waiting for an answer, hence the open stdin; --idle-timeout
    // ends it when nothing comes back.
    Run circle = ncat("datagram through porte\n", 23, "ncat", "-u", "--idle-timeout", "3s", "-s", CIRCLE_LOCAL,
        "127.0.0.1", Integer.toString(port));
    assertThat(circle.out()).isEqualTo("datagram through porte\n");

    Run diamond = ncat("let me in\n", 10, "ncat", "-u", "--idle-timeout", "2s", "-s", DIAMOND_LOCAL, "127.0.0.1",
        Integer.toString(port));
    // All ncat says is that it waited in vain ("Ncat: Idle timeout expired").
    assertThat(diamond.out()).doesNotContain("let me in").startsWith("Ncat: Idle");
    assertThat(udpEcho.received).as("the diamond's datagram never reached the service").hasValue(1);
  }
}
