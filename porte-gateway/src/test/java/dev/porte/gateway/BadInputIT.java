package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input costs the one service or client it concerns; everyone else is still served. */
class BadInputIT {
  private final LogLines lines = new LogLines(Gateway.class, PolicySnapshot.class, RelayFrontendHandler.class);

  @AfterEach
  void release() {
    lines.close();
  }

  private List<String> logged() {
    return lines.messages();
  }

  private static void echoes(Socket s) throws IOException {
    s.getOutputStream().write("ok?".getBytes());
    assertThat(new String(s.getInputStream().readNBytes(3))).isEqualTo("ok?");
  }

  @Test
  void aPortInUseIsLoggedAndTheOtherServicesAreServed() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String yaml = "inbound:\n  - allow: [7/tcp, 9/tcp]\nservices:\n"
          + "  7: { to: 127.0.0.1:" + echo.port() + " }\n  9: { to: 127.0.0.1:" + echo.port() + " }\n";
      try (Gateway gateway = Gateway.start(policy(yaml),
          config().listenPort(port -> port == 9 ? taken.getLocalPort() : 0).build())) {
        assertThat(gateway.address(Protocol.TCP, 9)).isNull();
        assertThat(logged()).anySatisfy(line -> assertThat(line)
            .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for 9/tcp")
            .contains("the other services are still served"));
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          echoes(s);
        }
      }
    }
  }

  @Test
  void aPortFreedLaterIsServedAtTheNextReload() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      String yaml = "inbound:\n  - allow: [7/tcp, 9/tcp]\nservices:\n"
          + "  7: { to: 127.0.0.1:" + echo.port() + " }\n  9: { to: 127.0.0.1:" + echo.port() + " }\n";
      ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      int port = taken.getLocalPort();
      try (Gateway gateway = Gateway.start(policy(yaml), config().listenPort(p -> p == 9 ? port : 0).build())) {
        assertThat(gateway.address(Protocol.TCP, 9)).isNull();
        assertThat(gateway.notServed()).singleElement().asString()
            .startsWith("9/tcp on 127.0.0.1:" + port + ": ").contains("Address already in use");
        assertThat(gateway.servesAnything()).isTrue();
        taken.close();
        // The same policy again, as a SIGHUP after the other program has gone.
        gateway.reload(policy(yaml));
        assertThat(gateway.notServed()).isEmpty();
        assertThat(gateway.address(Protocol.TCP, 9)).isEqualTo(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 9))) {
          echoes(s);
        }
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          echoes(s);
        }
      } finally {
        taken.close();
      }
    }
  }

  @Test
  void aServiceWhoseBackendIsItsOwnPortIsNotServedUntilAReloadPointsItElsewhere() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // a port known before the bind, so that a backend can name it
    }
    InetSocketAddress door = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      String loop = "inbound:\n  - allow: [7/tcp, 9/tcp]\nservices:\n"
          + "  7: { to: 127.0.0.1:" + echo.port() + " }\n  9: { to: 127.0.0.1:" + port + " }\n";
      String fixed = loop.replace("127.0.0.1:" + port, "127.0.0.1:" + echo.port());
      try (Gateway gateway = Gateway.start(policy(loop), config().listenPort(p -> p == 9 ? port : 0).build())) {
        assertThat(gateway.address(Protocol.TCP, 9)).isNull();
        assertThat(gateway.notServed()).containsExactly("9/tcp on 127.0.0.1:" + port + ": its backend 127.0.0.1:" + port
            + " is this very listener: every connection would dial the gateway again, without end (point 'to:' at the "
            + "service itself)");
        assertThat(logged()).anySatisfy(line -> assertThat(line).startsWith("not serving 9/tcp: its backend")
            .endsWith("the other services are still served"));
        assertThatThrownBy(() -> connectFrom(CIRCLE_LOCAL, door)).isInstanceOf(ConnectException.class);
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          echoes(s);
        }
        assertThat(gateway.metrics().admitted()).as("only the echo through 7").isEqualTo(1);

        gateway.reload(policy(fixed));
        assertThat(gateway.notServed()).isEmpty();
        try (Socket s = connectFrom(CIRCLE_LOCAL, door)) {
          echoes(s);
        }

        // A reload that turns a served port into a loop closes its listener.
        gateway.reload(policy(loop));
        assertThat(gateway.address(Protocol.TCP, 9)).isNull();
        assertThat(gateway.notServed()).singleElement().asString().contains("is this very listener");
        assertThatThrownBy(() -> connectFrom(CIRCLE_LOCAL, door)).isInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void aGatewayWhosePortsAreAllTakenServesNothingAndSaysWhy() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String yaml = "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + echo.port() + " }\n";
      try (Gateway gateway = Gateway.start(policy(yaml), config().listenPort(p -> taken.getLocalPort()).build())) {
        assertThat(gateway.servesAnything()).isFalse();
        assertThat(gateway.notServed()).singleElement().asString().startsWith("7/tcp on 127.0.0.1:" + taken.getLocalPort());
      }
    }
  }

  @Test
  void aPortHeldByAnotherGatewayIsNotSharedWithIt() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      String yaml = "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + echo.port() + " }\n";
      try (Gateway first = Gateway.start(policy(yaml), config().build())) {
        int port = first.address(Protocol.TCP, 7).getPort();
        // Both would set SO_REUSEPORT: without the check, the kernel would split the clients
        // between the two.
        try (Gateway second = Gateway.start(policy(yaml), config().listenPort(p -> port).build())) {
          assertThat(second.address(Protocol.TCP, 7)).isNull();
          assertThat(logged()).anySatisfy(line -> assertThat(line)
              .contains("cannot listen on 127.0.0.1:" + port + " for 7/tcp")
              .contains("Address already in use"));
          for (int i = 0; i < 20; i++) {
            try (Socket s = connectFrom(CIRCLE_LOCAL, first.address(Protocol.TCP, 7))) {
              echoes(s);
            }
          }
          assertThat(second.openConnections()).isZero();
        }
      }
    }
  }

  @Test
  void aBackendThatDoesNotResolveClosesItsClientsAndNobodyElses() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      String yaml = "inbound:\n  - allow: [7/tcp, 9/tcp]\nservices:\n"
          + "  7: { to: 127.0.0.1:" + echo.port() + " }\n  9: { to: no-such-backend.invalid:9 }\n";
      try (Gateway gateway = Gateway.start(policy(yaml), config().build())) {
        assertThat(logged()).anySatisfy(line -> assertThat(line)
            .contains("backend no-such-backend.invalid:9 of service 9 does not resolve"));
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 9))) {
          s.getOutputStream().write("anyone?".getBytes());
          long start = System.nanoTime();
          assertThat(s.getInputStream().read()).isEqualTo(-1);
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as("closed at once: no retries for a name that did not resolve")
              .isLessThan(Duration.ofMillis(900));
        }
        assertThat(logged()).anySatisfy(line -> assertThat(line)
            .contains("backend no-such-backend.invalid:9 for 9/tcp is unreachable (its name does not resolve)"));
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          echoes(s);
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 0);
      }
    }
  }

  /**
   * A client that sends its request and its FIN at once (nc -N, an HTTP/1.0 client) while the
   * backend is still being dialled: the request and the FIN reach the backend once it answers, and
   * the answer reaches the client. On epoll, Netty reads the client as soon as its FIN comes,
   * whether the relay asked or not; those bytes were dropped and the client closed.
   */
  @Test
  void aRequestSentWithItsFinWhileTheBackendIsDialledReachesIt() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // nothing listens there yet: the first dials are refused
    }
    String yaml = "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + port + " }\n";
    try (Gateway gateway = Gateway.start(policy(yaml),
        config().connectTimeout(Duration.ofMillis(200)).connectRetries(20).build());
        Socket client = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
      client.shutdownOutput();
      // The FIN is in before a dial has failed and been made again: the gateway is between dials.
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.metrics().backendRetries() >= 1);
      try (ServerSocket backend = new ServerSocket()) {
        backend.setReuseAddress(true);
        backend.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        backend.setSoTimeout(10_000);
        try (Socket served = backend.accept()) {
          String request = new String(served.getInputStream().readAllBytes());
          assertThat(request).as("the whole request, then the client's FIN").isEqualTo("GET / HTTP/1.0\r\n\r\n");
          served.getOutputStream().write(("HTTP/1.0 200 OK\r\n\r\nsaw " + request.length() + " bytes").getBytes());
        }
      }
      assertThat(new String(client.getInputStream().readAllBytes())).isEqualTo("HTTP/1.0 200 OK\r\n\r\nsaw 18 bytes");
    }
  }

  /**
   * A reset is passed on as a reset, after what came before it, as between the two ends directly:
   * a backend that aborts mid-answer must not look to its client as if it had finished, nor a
   * client that aborts mid-upload to the backend. Both were passed on as a plain FIN.
   */
  @Test
  void aResetOnEitherSideIsPassedOnAsAResetAfterTheData() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.start(policy("inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:"
            + backend.getLocalPort() + " }\n"), config().build())) {
      backend.setSoTimeout(5000);
      InetSocketAddress door = gateway.address(Protocol.TCP, 7);

      try (Socket client = connectFrom(CIRCLE_LOCAL, door); Socket served = backend.accept()) {
        abortMidway(served, client, "half an answer", "the client sees the abort, not an end");
      }
      try (Socket client = connectFrom(CIRCLE_LOCAL, door); Socket served = backend.accept()) {
        abortMidway(client, served, "half an upload", "the backend sees the abort, not an end");
      }
    }
  }

  /** {@code aborting} sends {@code text}, which {@code other} receives, then resets: {@code other} must see the reset. */
  private static void abortMidway(Socket aborting, Socket other, String text, String what) throws IOException {
    other.setSoTimeout(5000);
    aborting.getOutputStream().write(text.getBytes());
    assertThat(new String(other.getInputStream().readNBytes(text.length()))).isEqualTo(text);
    aborting.setSoLinger(true, 0);
    aborting.close();
    assertThatThrownBy(() -> other.getInputStream().read()).as(what)
        .isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
  }

  @Test
  void aClientThatSendsGarbageOnlyAffectsItself() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy("inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + echo.port() + " }\n"),
            config().build());
        Socket steady = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      echoes(steady);
      byte[] garbage = new byte[200_000];
      new java.util.Random(4).nextBytes(garbage);
      try (Socket noisy = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
        noisy.getOutputStream().write(garbage);
        noisy.setSoLinger(true, 0); // and vanish with a reset, mid-stream
      }
      echoes(steady);
      await().atMost(Duration.ofSeconds(3)).until(() -> gateway.openConnections() == 1);
    }
  }
}
