package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.DIAMOND_LOCAL;
import static dev.porte.gateway.Fixtures.ascii;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's verdicts on real TCP connections through the gateway. */
class TcpVerdictsIT {
  private static final String PAGE = "<h1>the circle client's page</h1>";
  private static final byte[] GET = "GET / HTTP/1.1\r\nHost: porte\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private TestBackends.Http web;
  private TestBackends.Tcp ssh;
  private TestBackends.Tcp mysql;
  private Gateway gateway;
  /** What the gateway reports to a connection log, in order. */
  private final List<ConnectionRecord> records = new CopyOnWriteArrayList<>();

  @BeforeEach
  void backends() throws IOException {
    web = new TestBackends.Http(PAGE);
    ssh = TestBackends.Tcp.banner("SSH-2.0-OpenSSH_9.2\r\n");
    mysql = TestBackends.Tcp.echo();
  }

  @AfterEach
  void stop() throws IOException {
    if (gateway != null) {
      gateway.close();
    }
    web.close();
    ssh.close();
    mysql.close();
  }

  private String seed(String extra) {
    return "defaults: { inbound: deny, outbound: allow }\n"
        + "inbound:\n"
        + "  - allow: http\n"
        + "  - reject: 3306/tcp\n"
        + extra
        + "services:\n"
        + "  80: { to: 127.0.0.1:" + web.port() + " }\n"
        + "  22: { to: 127.0.0.1:" + ssh.port() + " }\n"
        + "  3306: { to: 127.0.0.1:" + mysql.port() + " }\n";
  }

  private Gateway start(String yaml) {
    gateway = Gateway.start(policy(yaml), config().listener(records::add).build());
    return gateway;
  }

  private static byte[] get(Socket s) throws IOException {
    s.getOutputStream().write(GET);
    return s.getInputStream().readAllBytes();
  }

  @Test
  void circleClientGetsThePage() throws IOException {
    start(seed(""));
    try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 80))) {
      String response = ascii(get(s));
      assertThat(response).startsWith("HTTP/1.1 200").endsWith(PAGE);
    }
    assertThat(web.requests).hasValue(1);
    assertThat(gateway.metrics().admittedByPort()).containsEntry("80/tcp", 1L);
    await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
    assertThat(gateway.metrics().bytesIn()).isEqualTo(GET.length);
    assertThat(gateway.metrics().bytesOut()).isGreaterThan(PAGE.length());
    await().atMost(Duration.ofSeconds(3)).until(() -> !records.isEmpty());
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.ended()).as("the normal end").isEqualTo(CloseCause.CLOSED);
      assertThat(r.bytesIn()).isEqualTo(GET.length);
    });
  }

  /** The end of a connection the gateway has already forgotten: the record comes after its close. */
  private ConnectionRecord lastRecord() {
    await().atMost(Duration.ofSeconds(3)).until(() -> !records.isEmpty());
    return records.get(records.size() - 1);
  }

  @Test
  void diamondClientIsDroppedAtPort22ThoughTheServiceRuns() throws IOException {
    start(seed(""));
    try (Socket s = connectFrom(DIAMOND_LOCAL, gateway.address(Protocol.TCP, 22))) {
      // Deny: the gateway closes without a word. The client sees end of stream and no byte of
      // the banner the backend would have sent.
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(ssh.connections).hasValue(0);
    assertThat(gateway.metrics().refusedByPort()).containsEntry("22/tcp", 1L);
    assertThat(gateway.metrics().decisionsByRule()).containsEntry("default policy deny", 1L);
    assertThat(lastRecord().ended()).as("refused: it never began").isNull();
  }

  @Test
  void rejectedPortResetsTheConnection() throws IOException {
    start(seed(""));
    // The RST may arrive while connect() is still finishing, or at the first read.
    assertThatThrownBy(() -> {
      try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 3306))) {
        s.getInputStream().read();
      }
    }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    assertThat(mysql.connections).hasValue(0);
    assertThat(gateway.metrics().decisionsByRule()).containsEntry("test.yaml line 4 reject", 1L);
  }

  @Test
  void outboundDeniedMeansTheRequestArrivesButNothingIsDownloaded() throws IOException {
    start(seed("outbound:\n  - deny: 80/tcp\n"));
    try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 80))) {
      byte[] got = get(s);
      assertThat(got).isEmpty();
    }
    // The service saw and answered the request; the gateway withheld the answer.
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(web.requests).hasValue(1));
    assertThat(gateway.metrics().repliesBlocked()).isGreaterThanOrEqualTo(1);
    assertThat(gateway.metrics().bytesOut()).isZero();
    assertThat(lastRecord().ended()).isEqualTo(CloseCause.REPLY_WITHHELD);
  }

  @Test
  void statefulRepliesLeaveWhateverTheOutboundRules() throws IOException {
    start(seed("outbound:\n  - deny: 80/tcp\n").replace("defaults:", "replies: stateful\ndefaults:"));
    try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 80))) {
      assertThat(ascii(get(s))).endsWith(PAGE);
    }
  }

  /** A free port, closed again: nothing listens on it until the test does. */
  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** A policy that opens 80/tcp, when {@code open}, and serves it with {@code backendPort} on loopback. */
  /** The circle asks the gateway's {@code port} for the page and is closed without a byte back. */
  private void requestIsClosedUnanswered(int port) throws IOException {
    try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, port))) {
      s.getOutputStream().write(GET);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  private static String web(boolean open, int backendPort) {
    return (open ? "inbound:\n  - allow: 80/tcp\n" : "inbound: []\n")
        + "services:\n  80: { to: 127.0.0.1:" + backendPort + " }\n";
  }

  @Test
  void backendDownGivesACleanCloseAndALogLineAfterTheRetries() throws IOException {
    int closedPort = freePort();
    try (LogLines lines = new LogLines(RelayFrontendHandler.class)) {
      // Refused at once each time; two retries after the 250 ms turn-around each.
      gateway = Gateway.start(policy(web(true, closedPort)),
          config().connectTimeout(Duration.ofMillis(250)).connectRetries(2).listener(records::add).build());
      long start = System.nanoTime();
      requestIsClosedUnanswered(80);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two waits of 250 ms before the close")
          .isGreaterThanOrEqualTo(Duration.ofMillis(450));
      lines.await("127.0.0.1:" + closedPort, "unreachable (Connection refused", "3 attempts in");
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
      assertThat(lastRecord().ended()).isEqualTo(CloseCause.BACKEND_UNREACHABLE);
      assertThat(gateway.metrics().backendRetries()).isEqualTo(2);
    }
  }

  /** A service's own connect_timeout and retries replace the gateway's for its backend alone. */
  @Test
  void aServiceThatSetsItsOwnRetriesAndConnectTimeoutIsDialledThatWay() throws IOException {
    int closedPort = freePort();
    String yaml = "inbound:\n  - allow: [80/tcp, 81/tcp]\nservices:\n"
        + "  80: { to: 127.0.0.1:" + closedPort + ", connect_timeout: 200ms, retries: 1 }\n"
        + "  81: { to: 127.0.0.1:" + closedPort + ", retries: 0 }\n";
    try (LogLines lines = new LogLines(RelayFrontendHandler.class)) {
      // The gateway's own would make the client of 80 wait five turn-arounds of a second each.
      gateway = Gateway.start(policy(yaml),
          config().connectTimeout(Duration.ofSeconds(5)).connectRetries(5).listener(records::add).build());
      long start = System.nanoTime();
      requestIsClosedUnanswered(80);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("one wait of 200 ms, not five of a second")
          .isBetween(Duration.ofMillis(190), Duration.ofMillis(2500));
      lines.await("for 80/tcp is unreachable (Connection refused, 2 attempts in");
      assertThat(gateway.metrics().backendRetries()).isEqualTo(1);

      requestIsClosedUnanswered(81);
      await().atMost(Duration.ofSeconds(3)).until(() -> records.stream()
          .filter(r -> r.ended() == CloseCause.BACKEND_UNREACHABLE).count() == 2);
      assertThat(gateway.metrics().backendRetries()).as("81 is not dialled again").isEqualTo(1);
    }
  }

  /** A backend that is down is said once, not once per client: each client's close line says it for that client. */
  @Test
  void aBackendThatIsDownIsSaidOnceNotOncePerClient() throws IOException {
    int closedPort = freePort();
    try (LogLines lines = new LogLines(RelayFrontendHandler.class)) {
      gateway = Gateway.start(policy(web(true, closedPort)), config().connectRetries(0).listener(records::add).build());
      for (int i = 0; i < 3; i++) {
        requestIsClosedUnanswered(80);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> records.stream()
          .filter(r -> r.ended() == CloseCause.BACKEND_UNREACHABLE).count() == 3);
      assertThat(lines.messages()).filteredOn(line -> line.contains("unreachable")).singleElement()
          .satisfies(line -> assertThat(line).contains("127.0.0.1:" + closedPort).doesNotContain("more since"));
    }
  }

  /**
   * A backend that restarts: down when the client comes, up a moment later. The client's
   * connection waits through the retries, and its request, sent while the backend was down,
   * reaches the backend once it is up: the client gets its page as if nothing had happened.
   */
  @Test
  void aBackendThatComesBackDuringTheRetriesServesTheWaitingClient() throws Exception {
    int port = freePort();
    try (LogLines lines = new LogLines(RelayFrontendHandler.class)) {
      gateway = Gateway.start(policy(web(true, port)),
          config().connectTimeout(Duration.ofMillis(400)).connectRetries(5).listener(records::add).build());
      try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 80))) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(GET);
        lines.await("attempt 1 of 6 failed (Connection refused");
        try (ServerSocket restarted = new ServerSocket()) {
          restarted.setReuseAddress(true);
          restarted.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
          try (Socket served = restarted.accept()) {
            served.setSoTimeout(5_000);
            byte[] request = served.getInputStream().readNBytes(GET.length);
            assertThat(request).as("the request sent while the backend was down").isEqualTo(GET);
            served.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\nback again".getBytes(StandardCharsets.US_ASCII));
            served.shutdownOutput();
            assertThat(ascii(s.getInputStream().readAllBytes())).endsWith("back again");
          }
        }
      }
      assertThat(gateway.metrics().backendRetries()).isBetween(1L, 5L);
      assertThat(lines.messages()).noneMatch(line -> line.contains("unreachable"))
          .anySatisfy(line -> assertThat(line).contains("127.0.0.1:" + port)
              .containsPattern("answered on attempt [2-6] after"));
    }
    await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
    assertThat(lastRecord().ended()).isEqualTo(CloseCause.CLOSED);
  }

  /**
   * A reload that closes the door while the gateway waits to dial again ends the wait: no dial
   * after, no blame on the backend.
   */
  @Test
  void aReloadThatClosesTheDoorEndsTheRetries() throws Exception {
    int port = freePort();
    try (LogLines lines = new LogLines(RelayFrontendHandler.class)) {
      gateway = Gateway.start(policy(web(true, port)),
          config().connectTimeout(Duration.ofSeconds(1)).connectRetries(5).listener(records::add).build());
      try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 80))) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(GET);
        lines.await("attempt 1 of 6 failed");
        gateway.reload(policy(web(false, port)));
        int read;
        try {
          read = s.getInputStream().read();
        } catch (SocketException reset) {
          read = -1; // the request was never read: the close resets
        }
        assertThat(read).as("closed by the reload, within the second's wait").isEqualTo(-1);
      }
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
      assertThat(lastRecord().ended()).isEqualTo(CloseCause.POLICY_RELOAD);
      // The backend comes up now: a dial after the reload would reach it.
      try (ServerSocket back = new ServerSocket()) {
        back.setReuseAddress(true);
        back.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        back.setSoTimeout(1_500); // past the moment the next dial was due
        assertThatThrownBy(back::accept).as("no dial after the reload").isInstanceOf(java.net.SocketTimeoutException.class);
      }
      assertThat(lines.messages()).noneMatch(line -> line.contains("unreachable"));
    }
  }

  /**
   * A backend that never answers the handshake: a listener that accepts nothing, whose accept
   * queue is full, so the kernel drops further SYNs. The client's connection is closed once the
   * connect timeout has passed, not held for the kernel's two minutes of SYN retries.
   */
  @Test
  void aBackendThatNeverAnswersIsGivenUpAfterTheConnectTimeout() throws Exception {
    List<Socket> queued = new ArrayList<>();
    try (LogLines lines = new LogLines(RelayFrontendHandler.class);
        ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      // A backlog of 1 holds two finished handshakes; the third connect waits for an accept that
      // never comes. Fill it until a connect times out.
      while (queued.size() < 8) {
        Socket s = new Socket();
        try {
          s.connect(silent.getLocalSocketAddress(), 300);
          queued.add(s);
        } catch (java.net.SocketTimeoutException full) {
          s.close();
          break;
        }
      }
      assertThat(queued.size()).as("the accept queue filled").isBetween(1, 7);
      gateway = Gateway.start(policy(web(true, silent.getLocalPort())),
          config().connectTimeout(Duration.ofMillis(800)).connectRetries(0).build());
      long start = System.nanoTime();
      try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 80))) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(GET);
        assertThat(s.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
      lines.await("127.0.0.1:" + silent.getLocalPort(), "unreachable", "timed out");
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
    } finally {
      for (Socket s : queued) {
        s.close();
      }
    }
  }

  @Test
  void halfCloseLetsTheLastBytesThrough() throws IOException {
    start("inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + mysql.port() + " }\n");
    byte[] payload = new byte[300_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      s.setSoTimeout(10_000);
      // Write from another thread: the echo comes back while we write, and both buffers are finite.
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = s.getOutputStream();
          out.write(payload);
          s.shutdownOutput();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      byte[] echoed = s.getInputStream().readAllBytes();
      assertThat(echoed).isEqualTo(payload);
    }
    assertThat(mysql.received).hasValue(payload.length);
  }

  @Test
  void aServerThatHalfClosesFirstStillGetsEverythingTheClientSendsAfter() throws IOException {
    try (TestBackends.Tcp server = TestBackends.Tcp.speaksAndListens("done talking\n")) {
      start("inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + server.port() + " }\n");
      byte[] rest = new byte[300_000];
      try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
        s.setSoTimeout(10_000);
        // The server's FIN reaches us: its half is over, ours is not.
        assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
            .isEqualTo("done talking\n");
        s.getOutputStream().write(rest);
        s.shutdownOutput();
        // Our FIN ends the connection: what we sent before it must all have reached the server.
        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.received).hasValue(rest.length));
      }
    }
  }
}
