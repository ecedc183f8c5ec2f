package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.DIAMOND_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Caps, timeouts and backpressure: what keeps one client from taking the gateway down. */
class LimitsIT {
  private static String echoPolicy(int backendPort) {
    return "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + backendPort + " }\n";
  }

  private static void roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes());
    byte[] back = s.getInputStream().readNBytes(text.length());
    assertThat(new String(back)).isEqualTo(text);
  }

  @Test
  void aSourceThatOpensManyConnectionsIsCapped() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(echoPolicy(echo.port())), config().maxConnectionsPerSource(3).build())) {
      InetSocketAddress at = gateway.address(Protocol.TCP, 7);
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Socket s = connectFrom(CIRCLE_LOCAL, at);
          held.add(s);
          roundTrip(s, "hello " + i);
        }
        // The RST may arrive while connect() is still finishing, or at the first read.
        assertThatThrownBy(() -> {
          try (Socket fourth = connectFrom(CIRCLE_LOCAL, at)) {
            fourth.getInputStream().read();
          }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(gateway.metrics().limited()).isEqualTo(1);
        // The cap is per source: another client still gets in.
        try (Socket other = connectFrom(DIAMOND_LOCAL, at)) {
          roundTrip(other, "other source");
        }
        held.remove(0).close();
        await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 2);
        try (Socket again = connectFrom(CIRCLE_LOCAL, at)) {
          roundTrip(again, "a slot came free");
        }
        assertThat(echo.connections).hasValue(5);
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void theGlobalCapHoldsAcrossSources() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(echoPolicy(echo.port())), config().maxConnections(2).build());
        Socket a = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7));
        Socket b = connectFrom(DIAMOND_LOCAL, gateway.address(Protocol.TCP, 7))) {
      roundTrip(a, "a");
      roundTrip(b, "b");
      assertThatThrownBy(() -> {
        try (Socket c = connectFrom("127.0.0.4", gateway.address(Protocol.TCP, 7))) {
          c.getInputStream().read();
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
  }

  @Test
  void aServiceCapsItsOwnConnectionsAndAReloadMovesTheCap() throws IOException {
    String services = "inbound:\n  - allow: 7/tcp\n  - allow: 9/tcp\nservices:\n";
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(services + "  7: { to: 127.0.0.1:" + echo.port() + ", max_connections: 2 }\n"
            + "  9: { to: 127.0.0.1:" + echo.port() + " }\n"), config().build())) {
      InetSocketAddress db = gateway.address(Protocol.TCP, 7);
      List<Socket> held = new ArrayList<>();
      try {
        held.add(connectFrom(CIRCLE_LOCAL, db));
        held.add(connectFrom(DIAMOND_LOCAL, db));
        roundTrip(held.get(0), "first");
        roundTrip(held.get(1), "second");
        // A third client, from an address of its own: the service's cap, not the per-source one.
        assertThatThrownBy(() -> {
          try (Socket third = connectFrom("127.0.0.4", db)) {
            third.getInputStream().read();
          }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(gateway.metrics().limited()).isEqualTo(1);
        // The other service has no cap of its own.
        try (Socket other = connectFrom("127.0.0.4", gateway.address(Protocol.TCP, 9))) {
          roundTrip(other, "another service");
        }

        // A reload raises the cap: the two open connections are counted, a third one fits now.
        gateway.reload(policy(services + "  7: { to: 127.0.0.1:" + echo.port() + ", max_connections: 3 }\n"
            + "  9: { to: 127.0.0.1:" + echo.port() + " }\n"));
        held.add(connectFrom("127.0.0.4", db));
        roundTrip(held.get(2), "third, after the reload");
        assertThatThrownBy(() -> {
          try (Socket fourth = connectFrom("127.0.0.5", db)) {
            fourth.getInputStream().read();
          }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");

        // A slot comes free when a connection ends.
        held.remove(0).close();
        await().atMost(Duration.ofSeconds(3)).until(() -> gateway.serviceCaps().open(7) == 2);
        try (Socket again = connectFrom("127.0.0.5", db)) {
          roundTrip(again, "a slot came free");
        }
        assertThat(gateway.metrics().limited()).isEqualTo(2);
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.serviceCaps().open(7) == 0 && gateway.openConnections() == 0);
    }
  }

  @Test
  void anIdleConnectionIsClosed() throws IOException {
    List<ConnectionRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(echoPolicy(echo.port())),
            config().idleTimeout(Duration.ofMillis(300)).listener(records::add).build());
        Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      roundTrip(s, "then silence");
      // Nothing more is sent: the gateway closes the connection once it has been idle 300 ms.
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
      await().atMost(Duration.ofSeconds(3)).until(() -> !records.isEmpty());
      assertThat(records).singleElement().extracting(ConnectionRecord::ended).isEqualTo(CloseCause.IDLE);
    }
  }

  @Test
  void aServiceSetsItsOwnIdleTimeoutAndAReloadChangesItForOpenConnections() throws IOException {
    String services = "inbound:\n  - allow: 7/tcp\n  - allow: 9/tcp\nservices:\n";
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(services + "  7: { to: 127.0.0.1:" + echo.port() + ", idle: 60s }\n"
            + "  9: { to: 127.0.0.1:" + echo.port() + " }\n"), config().idleTimeout(Duration.ofMillis(300)).build());
        Socket ssh = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7));
        Socket web = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 9))) {
      ssh.setSoTimeout(5000);
      web.setSoTimeout(5000);
      roundTrip(ssh, "a long session");
      roundTrip(web, "a short one");
      // 9 sets nothing: the gateway's 300 ms hold. 7 sets a minute: it outlives that.
      assertThat(web.getInputStream().read()).isEqualTo(-1);
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
      roundTrip(ssh, "still here after 800 ms of silence");

      // The new policy gives 7 one second, and the open connection gets it too.
      gateway.reload(policy(services + "  7: { to: 127.0.0.1:" + echo.port() + ", idle: 1s }\n"
          + "  9: { to: 127.0.0.1:" + echo.port() + " }\n"));
      long quiet = System.nanoTime();
      assertThat(ssh.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - quiet)).isGreaterThan(Duration.ofMillis(900));
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
    }
  }

  @Test
  void aConnectionThatOnlyDownloadsIsNotIdle() throws Exception {
    // The backend speaks every 100 ms for 1.2 s; the client says nothing after its first line.
    // Data in either direction is activity, so the 300 ms idle timeout must not end it.
    try (TestBackends.Tcp ticker = new TestBackends.Tcp((socket, self) -> {
          socket.getInputStream().read();
          for (int i = 0; i < 12; i++) {
            socket.getOutputStream().write('.');
            socket.getOutputStream().flush();
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
          }
          socket.shutdownOutput();
        });
        Gateway gateway = Gateway.start(policy(echoPolicy(ticker.port())), config().idleTimeout(Duration.ofMillis(300)).build());
        Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      s.getOutputStream().write('\n');
      assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("............");
    }
  }

  @Test
  void aSlowReaderDoesNotFillTheGatewaysMemory() throws IOException {
    long total = 1L << 30; // far more than every socket buffer on the path can hold
    try (TestBackends.Tcp flood = TestBackends.Tcp.flood(total);
        Gateway gateway = Gateway.start(policy(echoPolicy(flood.port())), config().build());
        Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      s.setReceiveBufferSize(64 * 1024);
      // The client reads nothing. The backend fills the socket buffers, then must stall: the
      // gateway stops reading from it once its writes to the client pass the high-water mark.
      await().atMost(Duration.ofSeconds(5)).until(() -> flood.sent.get() > 1 << 20);
      long bound = 2L << 20;
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> gateway.pendingOutboundBytes() < bound);
      assertThat(flood.sent.get()).isLessThan(64L << 20);
      // Now read some: the flow resumes, so the stall was backpressure and not a broken relay.
      long before = flood.sent.get();
      byte[] buf = new byte[1 << 16];
      long read = 0;
      while (read < 32L << 20) {
        int n = s.getInputStream().read(buf);
        assertThat(n).isPositive();
        read += n;
      }
      assertThat(flood.sent.get()).isGreaterThan(before);
    }
  }
}
