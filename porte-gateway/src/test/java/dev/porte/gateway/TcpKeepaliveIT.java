package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every client connection the gateway accepts has the kernel's keepalive timer running, on each of
 * the three transports: on io_uring and epoll through the options of the listening socket, which
 * accepted sockets inherit, on NIO set on each; a backend connection has it once quiet. Read from
 * the kernel with {@code ss}, not from the gateway. That a vanished peer is then closed is
 * porte-cli's KeepaliveIT, which needs namespaces.
 */
class TcpKeepaliveIT {
  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void acceptedConnectionsHaveTheKeepaliveTimerOnEveryTransport(String transport) throws Exception {
    assertThat(timerOf(transport, new TcpKeepalive(Duration.ofSeconds(37)))).contains("timer:(keepalive");
  }

  /** A backend connection gets its probes once quiet for the keepalive time, not before: four syscalls saved on most. */
  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void aQuietBackendConnectionGetsTheKeepaliveTimerOnEveryTransport(String transport) throws Exception {
    withTransport(transport, () -> {
      try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
          Gateway gateway = Gateway.start(policy("services:\n  7: { to: 127.0.0.1:" + echo.port() + " }\n"),
              config().tcpKeepalive(new TcpKeepalive(Duration.ofSeconds(1))).build())) {
        assumeTrue(gateway.transportName().equals(transport), transport + " is not available here");
        InetSocketAddress at = gateway.address(Protocol.TCP, 7);
        try (Socket client = echoedOnce(at)) {
          String backendSide = "( dport = :" + echo.port() + " )";
          assertThat(ss("-tnoH", "state", "established", backendSide)).as("busy: no probes yet").doesNotContain("keepalive");
          await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
              .until(() -> ss("-tnoH", "state", "established", backendSide).contains("timer:(keepalive"));
          assertThat(client.getInputStream().available()).as("the connection carries on as it was").isZero();
        }
      }
      return null;
    });
  }

  @Test
  void offLeavesTheConnectionsWithoutProbes() throws Exception {
    assertThat(timerOf(System.getProperty("porte.transport", ""), TcpKeepalive.OFF)).doesNotContain("keepalive");
  }

  @Test
  void theWindowIsTheIdleTimeThenSixProbesAtMostTenSecondsApart() {
    assertThat(TcpKeepalive.DEFAULT.noticedWithin()).isEqualTo(Duration.ofMinutes(2));
    assertThat(new TcpKeepalive(Duration.ofSeconds(1)).noticedWithin()).isEqualTo(Duration.ofSeconds(7));
    assertThatThrownBy(() -> new TcpKeepalive(Duration.ofMillis(1500))).hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> new TcpKeepalive(Duration.ofSeconds(40_000))).hasMessageContaining("1s to 32767s");
  }

  /** The kernel's timer column for the gateway's side of one client connection, on {@code transport}. */
  private static String timerOf(String transport, TcpKeepalive keepalive) throws Exception {
    return withTransport(transport, () -> {
      try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
          Gateway gateway = Gateway.start(policy("services:\n  7: { to: 127.0.0.1:" + echo.port() + " }\n"),
              config().tcpKeepalive(keepalive).build())) {
        if (!transport.isEmpty()) {
          assumeTrue(gateway.transportName().equals(transport), transport + " is not available here");
        }
        InetSocketAddress at = gateway.address(Protocol.TCP, 7);
        try (Socket client = echoedOnce(at)) {
          return ss("-tnoH", "state", "established", "( sport = :" + at.getPort() + " and dport = :" + client.getLocalPort()
              + " )");
        }
      }
    });
  }

  /** A client connection through the gateway at {@code at} that has had one byte echoed: admitted and relaying. */
  private static Socket echoedOnce(InetSocketAddress at) throws IOException {
    Socket client = new Socket(at.getAddress(), at.getPort());
    client.getOutputStream().write('k');
    client.setSoTimeout(5000);
    assertThat(client.getInputStream().read()).isEqualTo('k');
    return client;
  }

  /** Runs {@code body} with the gateways it starts on {@code transport} (empty: the default). */
  private static <T> T withTransport(String transport, Callable<T> body) throws Exception {
    String before = System.getProperty("porte.transport");
    System.setProperty("porte.transport", transport);
    try {
      return body.call();
    } finally {
      if (before == null) {
        System.clearProperty("porte.transport");
      } else {
        System.setProperty("porte.transport", before);
      }
    }
  }

  private static String ss(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "ss";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true but ss (iproute2) is not installed", e);
      }
      assumeTrue(false, "skipped: ss (iproute2) is not installed");
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("ss lists the gateway's side of the connection").isNotBlank();
    return out;
  }
}
