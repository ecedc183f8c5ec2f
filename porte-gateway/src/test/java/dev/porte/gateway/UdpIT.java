package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE;
import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.DIAMOND_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UDP: a verdict per datagram flow, sessions by client address and port, idle expiry. */
class UdpIT {
  private static String policyFor(int backendPort, String extra) {
    return "inbound:\n  - allow: 53/udp\n    from: 198.51.100.0/24\n" + extra
        + "services:\n  53: { to: 127.0.0.1:" + backendPort + ", proto: udp }\n";
  }

  private static DatagramSocket client(String local) throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(local), 0));
    s.setSoTimeout(1000);
    return s;
  }

  private static String exchange(DatagramSocket s, InetSocketAddress to, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    s.send(new DatagramPacket(bytes, bytes.length, to));
    DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
    s.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
  }

  /**
   * A backend that is down answers a datagram with an ICMP port unreachable: the operator hears of
   * it (one line per backend now and then, as for TCP), and the client's session, which never got
   * a reply, ends as backend_unreachable rather than idle.
   */
  @Test
  void aBackendThatIsDownIsSaidAndItsSessionEndsAsUnreachable() throws IOException {
    int down;
    try (DatagramSocket free = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      down = free.getLocalPort(); // closed again: nothing listens there
    }
    AtomicLong now = new AtomicLong();
    List<ConnectionRecord> records = new CopyOnWriteArrayList<>();
    try (LogLines lines = new LogLines(UdpRelay.class);
        Gateway gateway = Gateway.start(policy(policyFor(down, "")),
            config().ticker(now::get).udpIdleTimeout(Duration.ofSeconds(30)).listener(records::add).build());
        DatagramSocket circle = client(CIRCLE_LOCAL)) {
      InetSocketAddress at = gateway.address(Protocol.UDP, 53);
      assertThatThrownBy(() -> exchange(circle, at, "anyone there?")).isInstanceOf(SocketTimeoutException.class);
      lines.await("backend 127.0.0.1:" + down + " for 53/udp is unreachable (ICMP port unreachable: nothing listens "
          + "there): its clients get no reply");
      assertThat(gateway.udpSessions()).as("kept: the client may retry, the backend come back").isEqualTo(1);
      now.addAndGet(Duration.ofSeconds(30).toNanos());
      gateway.sweepUdp();
      await().atMost(Duration.ofSeconds(3)).until(() -> !records.isEmpty());
      assertThat(records).singleElement().extracting(ConnectionRecord::ended).isEqualTo(CloseCause.BACKEND_UNREACHABLE);
    }
  }

  /**
   * A datagram goes through whole, up to the largest UDP payload, both ways: a DNS answer with
   * EDNS, a jumbo NetFlow export. Netty reads 2,048 bytes of a datagram unless told otherwise and
   * drops the rest without a word; these were cut to 2,048.
   */
  @ParameterizedTest
  @ValueSource(ints = {1232, 2049, 4096, 9000, 65_507})
  void aLargeDatagramIsRelayedWhole(int size) throws IOException {
    try (TestBackends.UdpEcho echo = new TestBackends.UdpEcho(InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "")), config().build());
        DatagramSocket circle = client(CIRCLE_LOCAL)) {
      byte[] sent = new byte[size];
      new java.util.Random(size).nextBytes(sent);
      circle.send(new DatagramPacket(sent, sent.length, gateway.address(Protocol.UDP, 53)));
      DatagramPacket reply = new DatagramPacket(new byte[70_000], 70_000);
      circle.receive(reply);
      assertThat(reply.getLength()).isEqualTo(size);
      assertThat(java.util.Arrays.copyOf(reply.getData(), reply.getLength())).isEqualTo(sent);
    }
  }

  /**
   * A UDP session is a socket of its own, and a gateway holds thousands (a quarter of the
   * open-file limit by default). On io_uring, Netty's datagram channel keeps 512 message headers
   * of its own: a session cost about 293 KB, so 5,000 would have taken 1.5 GB. UDP is served on
   * epoll where the kernel has it, about 7 KB a session.
   */
  @Test
  void aThousandSessionsTakeLittleMemory() throws IOException {
    int sessions = 1_000;
    try (TestBackends.UdpEcho echo = new TestBackends.UdpEcho(InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "")),
            config().maxConnectionsPerSource(sessions * 2).build())) {
      InetSocketAddress at = gateway.address(Protocol.UDP, 53);
      // Every client socket stays open to the end: a closed one's port could go to the next
      // client, which would then take over its session.
      List<DatagramSocket> clients = new java.util.ArrayList<>();
      try {
        DatagramSocket warm = client(CIRCLE_LOCAL);
        clients.add(warm);
        assertThat(exchange(warm, at, "warm")).isEqualTo("warm");
        long before = residentKilobytes();
        for (int i = 0; i < sessions; i++) {
          DatagramSocket c = client(CIRCLE_LOCAL);
          clients.add(c);
          assertThat(exchange(c, at, "q" + i)).isEqualTo("q" + i);
        }
        assertThat(gateway.udpSessions()).isEqualTo(sessions + 1);
        long grown = residentKilobytes() - before;
        assertThat(grown).as("KB the gateway's process grew by for %d sessions", sessions).isLessThan(64L * sessions);
      } finally {
        clients.forEach(DatagramSocket::close);
      }
    }
  }

  /** This process's resident memory, in KB, as the kernel counts it. */
  private static long residentKilobytes() throws IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void allowedClientGetsRepliesAndDeniedClientNothing() throws IOException {
    AtomicLong now = new AtomicLong();
    try (TestBackends.UdpEcho echo = new TestBackends.UdpEcho(InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "")),
            config().ticker(now::get).udpIdleTimeout(Duration.ofSeconds(30)).build());
        DatagramSocket circle = client(CIRCLE_LOCAL);
        DatagramSocket diamond = client(DIAMOND_LOCAL)) {
      InetSocketAddress at = gateway.address(Protocol.UDP, 53);
      assertThat(exchange(circle, at, "query 1")).isEqualTo("query 1");
      assertThat(exchange(circle, at, "query 2")).isEqualTo("query 2");
      assertThat(gateway.udpSessions()).isEqualTo(1);

      assertThatThrownBy(() -> exchange(diamond, at, "let me in"))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("timed out");
      assertThat(echo.received).hasValue(2);
      assertThat(gateway.udpSessions()).isEqualTo(1);
      assertThat(gateway.metrics().refusedByPort()).containsEntry("53/udp", 1L);

      // Idle expiry on the injected ticker: 29 s is not enough, 30 s is.
      now.addAndGet(Duration.ofSeconds(29).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isEqualTo(1);
      now.addAndGet(Duration.ofSeconds(1).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isZero();

      // A new datagram opens a new session.
      assertThat(exchange(circle, at, "query 3")).isEqualTo("query 3");
      assertThat(gateway.udpSessions()).isEqualTo(1);
    }
  }

  @Test
  void aServicesOwnIdleTimeoutEndsItsSessionsAndAReloadChangesIt() throws IOException {
    AtomicLong now = new AtomicLong();
    String withIdle = "inbound:\n  - allow: 53/udp\n    from: 198.51.100.0/24\nservices:\n  53: { to: 127.0.0.1:%d, proto: udp, idle: %s }\n";
    try (TestBackends.UdpEcho echo = new TestBackends.UdpEcho(InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy(String.format(withIdle, echo.port(), "5s")),
            config().ticker(now::get).udpIdleTimeout(Duration.ofSeconds(30)).build());
        DatagramSocket circle = client(CIRCLE_LOCAL)) {
      InetSocketAddress at = gateway.address(Protocol.UDP, 53);
      assertThat(exchange(circle, at, "query 1")).isEqualTo("query 1");
      // The service's 5 s, not the gateway's 30 s.
      now.addAndGet(Duration.ofMillis(4_999).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isEqualTo(1);
      now.addAndGet(Duration.ofMillis(1).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isZero();

      // A reload to 2m holds the session open past both.
      gateway.reload(policy(String.format(withIdle, echo.port(), "2m")));
      assertThat(exchange(circle, at, "query 2")).isEqualTo("query 2");
      now.addAndGet(Duration.ofSeconds(119).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isEqualTo(1);
      now.addAndGet(Duration.ofSeconds(1).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isZero();
    }
  }

  @Test
  void outboundDeniedDatagramsReachTheServiceButNoReplyLeaves() throws IOException {
    try (TestBackends.UdpEcho echo = new TestBackends.UdpEcho(InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "outbound:\n  - deny: 53/udp\n")), config().build());
        DatagramSocket circle = client(CIRCLE_LOCAL)) {
      InetSocketAddress at = gateway.address(Protocol.UDP, 53);
      assertThatThrownBy(() -> exchange(circle, at, "query"))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("timed out");
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(echo.received).hasValue(1));
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.metrics().repliesBlocked() == 1);
    }
  }

  /**
   * Each session holds a socket, so sessions are capped: beyond the cap a new client's datagrams
   * are dropped and counted, the sessions already open carry on, and a slot freed by idle expiry
   * serves the next client. The per-source cap counts the ports of one address.
   */
  @Test
  void sessionsAreCappedInAllAndPerSource() throws IOException {
    AtomicLong now = new AtomicLong();
    try (TestBackends.UdpEcho echo = new TestBackends.UdpEcho(InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "")),
            config().ticker(now::get).udpIdleTimeout(Duration.ofSeconds(30)).maxUdpSessions(3).maxConnectionsPerSource(2)
                .clientAlias(Map.of(IpAddress.parse(CIRCLE_LOCAL), CIRCLE, IpAddress.parse("127.0.0.4"), IpAddress.parse("198.51.100.9")))
                .build());
        DatagramSocket a1 = client(CIRCLE_LOCAL);
        DatagramSocket a2 = client(CIRCLE_LOCAL);
        DatagramSocket a3 = client(CIRCLE_LOCAL);
        DatagramSocket b1 = client("127.0.0.4");
        DatagramSocket b2 = client("127.0.0.4")) {
      InetSocketAddress at = gateway.address(Protocol.UDP, 53);
      assertThat(exchange(a1, at, "a1")).isEqualTo("a1");
      assertThat(exchange(a2, at, "a2")).isEqualTo("a2");
      assertThatThrownBy(() -> exchange(a3, at, "a3")).as("a third port of one address: over the per-source cap")
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(exchange(b1, at, "b1")).as("another address has its own share").isEqualTo("b1");
      assertThatThrownBy(() -> exchange(b2, at, "b2")).as("three sessions: over the cap in all")
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(gateway.udpSessions()).isEqualTo(3);
      assertThat(gateway.metrics().limited()).isEqualTo(2);
      assertThat(echo.received).as("the dropped datagrams never reached the service").hasValue(3);
      assertThat(exchange(a1, at, "a1 again")).as("open sessions carry on").isEqualTo("a1 again");

      now.addAndGet(Duration.ofSeconds(30).toNanos());
      gateway.sweepUdp();
      assertThat(gateway.udpSessions()).isZero();
      assertThat(exchange(a3, at, "a3 now")).as("slots freed by expiry serve new clients").isEqualTo("a3 now");
      assertThat(exchange(b2, at, "b2 now")).isEqualTo("b2 now");
    }
  }
}
