package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code porte gateway} in-process: it serves a real policy file, and refuses bad input with exit 2. */
class GatewayCommandTest {
  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void servesThePolicyFileAndJudgesAliasedClients() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Path policy = dir.resolve("porte.yaml");
      Files.writeString(policy, "inbound:\n  - allow: 80/tcp\n    from: 198.51.100.0/24\n"
          + "services:\n  80: { to: 127.0.0.1:" + backend.getLocalPort() + ", idle: 90m, connect_timeout: 2s, retries: 1 }\n");
      int listen = freePort();
      CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.run("gateway", "--policy", policy.toString(),
          "--listen", "127.0.0.1", "--port-offset", Integer.toString(listen - 80),
          "--client-alias", "127.0.0.2=198.51.100.7", "--client-alias", "127.0.0.3=203.0.113.9", "--stop-after", "4"));
      InetSocketAddress door = new InetSocketAddress(InetAddress.getLoopbackAddress(), listen);
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        try (Socket s = new Socket()) {
          s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
          s.connect(door, 1000);
          s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
          try (Socket accepted = backend.accept()) {
            return new String(accepted.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("ping");
          }
        }
      });
      try (Socket diamond = new Socket()) {
        diamond.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
        diamond.connect(door, 1000);
        diamond.setSoTimeout(3000);
        assertThat(diamond.getInputStream().read()).isEqualTo(-1);
      }
      Cli result = run.get();
      assertThat(result.exit()).as(result.err()).isZero();
      assertThat(result.out())
          .contains("80/tcp -> 127.0.0.1:" + backend.getLocalPort() + " (idle 90m) (connect timeout 2s) (retries 1): "
              + "listening on 127.0.0.1:" + listen)
          .contains("SIGHUP or editing it reloads")
          .contains("porte gateway: stopping (1 admitted, 1 refused");
    }
  }

  @Test
  void aBackendThatIsDownIsDialledAgainAndTheLastLineSaysSo() throws Exception {
    int down = freePort(); // nothing listens there
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:" + down + " }\n");
    int listen = freePort();
    CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.run("gateway", "--policy", policy.toString(),
        "--listen", "127.0.0.1", "--port-offset", Integer.toString(listen - 80), "--connect-timeout", "100ms",
        "--connect-retries", "2", "--stop-after", "4"));
    InetSocketAddress door = new InetSocketAddress(InetAddress.getLoopbackAddress(), listen);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (Socket s = new Socket()) {
        s.connect(door, 1000);
        s.setSoTimeout(3000);
        return s.getInputStream().read() == -1; // closed without a byte, after the retries
      }
    });
    Cli result = run.get();
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("porte gateway: stopping (1 admitted, 0 refused, 2 backend dials retried, 0 bytes served)");
  }

  @Test
  void aGatewayThatCanListenOnNoPortDoesNotStart() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path policy = dir.resolve("porte.yaml");
      Files.writeString(policy, "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:9 }\n");
      Cli result = Cli.run("gateway", "--policy", policy.toString(), "--listen", "127.0.0.1",
          "--port-offset", Integer.toString(taken.getLocalPort() - 80), "--stop-after", "5");
      assertThat(result.exit()).as(result.out()).isEqualTo(2);
      assertThat(result.err()).contains("cannot listen on any service port: 80/tcp on 127.0.0.1:" + taken.getLocalPort()
          + ": Address already in use (stop what holds it, or move porte's ports with --port-offset or --listen)");
      assertThat(result.out()).contains("  80/tcp -> 127.0.0.1:9: NOT SERVED: Address already in use\n");
    }
  }

  /** The system says "Cannot assign requested address" without saying which, nor that --listen named it. */
  @Test
  void anAddressToListenOnThatTheHostLacksIsNamed() throws IOException {
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:9 }\n");
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no host has it, so the bind fails here and goes nowhere.
    Cli result = Cli.run("gateway", "--policy", policy.toString(), "--listen", "192.0.2.1", "--port-offset", "20000",
        "--stop-after", "5");
    assertThat(result.exit()).as(result.out()).isEqualTo(2);
    assertThat(result.err()).contains("cannot listen on any service port: 80/tcp on 192.0.2.1:20080: Cannot assign "
        + "requested address (192.0.2.1 is not an address of this host) (--listen takes addresses this host has: see "
        + "'ip -brief address', or leave --listen out to listen on all; for a virtual IP that moves between hosts, set "
        + "net.ipv4.ip_nonlocal_bind=1, as for HAProxy)");
  }

  @Test
  void aGatewayWhoseOnlyServiceDialsItselfDoesNotStart() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path policy = dir.resolve("porte.yaml");
    // 80 served on the free port, and its backend is that same port: a typo for the real server's.
    Files.writeString(policy, "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:" + port + " }\n");
    Cli result = Cli.run("gateway", "--policy", policy.toString(), "--listen", "127.0.0.1",
        "--port-offset", Integer.toString(port - 80), "--stop-after", "5");
    assertThat(result.exit()).as(result.out()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("porte: cannot listen on any service port: 80/tcp on 127.0.0.1:" + port
        + ": its backend 127.0.0.1:" + port + " is this very listener: every connection would dial the gateway again, "
        + "without end (point 'to:' at the service itself)\n");
    assertThat(result.out()).contains("  80/tcp -> 127.0.0.1:" + port + ": NOT SERVED: its backend 127.0.0.1:" + port
        + " is this very listener");
  }

  @Test
  void aServiceThatTheOffsetMovesPastTheLastPortIsNotServedAndTheOthersAre() throws IOException {
    int listen = freePort();
    int offset = 1000;
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "inbound:\n  - allow: [65000/tcp]\nservices:\n  65000: { to: 127.0.0.1:9 }\n"
        + "  " + (listen - offset) + ": { to: 127.0.0.1:9 }\n");
    Cli result = Cli.run("gateway", "--policy", policy.toString(), "--listen", "127.0.0.1",
        "--port-offset", Integer.toString(offset), "--stop-after", "1");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("  65000/tcp -> 127.0.0.1:9: NOT SERVED: service port 65000 + offset 1000 is past 65535: there is no "
            + "port to listen on (lower --port-offset)\n")
        .contains((listen - offset) + "/tcp -> 127.0.0.1:9: listening on 127.0.0.1:" + listen + "\n");

    Files.writeString(policy, "inbound:\n  - allow: [65000/tcp]\nservices:\n  65000: { to: 127.0.0.1:9 }\n");
    Cli alone = Cli.run("gateway", "--policy", policy.toString(), "--listen", "127.0.0.1",
        "--port-offset", Integer.toString(offset), "--stop-after", "1");
    assertThat(alone.exit()).as(alone.out()).isEqualTo(2);
    assertThat(alone.err()).isEqualTo("porte: cannot listen on any service port: 65000/tcp on 127.0.0.1: service port "
        + "65000 + offset 1000 is past 65535: there is no port to listen on (lower --port-offset)\n");
  }

  @Test
  void aStopDrainsTheOpenConnectionsAndRefusesNewOnes() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        try (Socket s = backend.accept()) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
          // the test is over
        }
      });
      echo.setDaemon(true);
      echo.start();
      Path policy = dir.resolve("porte.yaml");
      Files.writeString(policy, "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:" + backend.getLocalPort() + " }\n");
      int listen = freePort();
      CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.run("gateway", "--policy", policy.toString(),
          "--listen", "127.0.0.1", "--port-offset", Integer.toString(listen - 80), "--stop-after", "2", "--drain", "20"));
      InetSocketAddress door = new InetSocketAddress(InetAddress.getLoopbackAddress(), listen);
      Socket held = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> new Socket(door.getAddress(), listen), s -> true);
      try (held) {
        held.setSoTimeout(5000);
        held.getOutputStream().write("one".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(held.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("one");
        // --stop-after ends the wait; the drain then closes the door but not this connection.
        // Seen by binding, not by connecting: a probe connection would be one more to drain.
        // The bind succeeds once no socket listens there (SO_REUSEADDR, Java's default here,
        // lets it share the port with the connection that is still open).
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
          try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(door);
            return true;
          } catch (IOException listening) {
            return false;
          }
        });
        assertThatThrownBy(() -> new Socket(door.getAddress(), listen).close()).isInstanceOf(java.net.ConnectException.class);
        held.getOutputStream().write("two".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(held.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("two");
        assertThat(run).isNotDone();
      }
      long closedAt = System.nanoTime();
      Cli result = run.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).as("the drain ends with the last connection").isLessThan(Duration.ofSeconds(5));
      assertThat(result.exit()).as(result.err()).isZero();
      assertThat(result.out()).contains("porte: stopping: no new connections; waiting up to 20s for 1 open connection to finish")
          .doesNotContain("still open after");
    }
  }

  /** {@code porte gateway} on a policy with one service, with {@code options} added. */
  private Cli gatewayWith(String... options) throws IOException {
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "services:\n  80: { to: 127.0.0.1:8080 }\n");
    List<String> args = new ArrayList<>(List.of("gateway", "--policy", policy.toString()));
    args.addAll(List.of(options));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void anAddressToListenOnGivenTwiceIsAUsageError() throws IOException {
    Cli result = gatewayWith("--listen", "::1", "--listen", "0:0:0:0:0:0:0:1");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("porte: --listen 0:0:0:0:0:0:0:1 is given twice (each address once)");
  }

  @Test
  void aDrainOutOfRangeIsAUsageError() throws IOException {
    Cli result = gatewayWith("--drain", "99");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("porte: --drain 99 is out of range (valid: 0s to 25s)");
    assertThat(Duration.ofSeconds(GatewayOptions.MAX_DRAIN_SECONDS)).as("the exit must outlast the longest drain")
        .isLessThan(ShutdownSignal.GRACE.minusSeconds(4));
  }

  @ParameterizedTest
  @CsvSource({"--idle-timeout, 0, 1s to 1d", "--idle-timeout, 500ms, 1s to 1d", "--connect-timeout, 0ms, 1ms to 1d",
      "--udp-idle-timeout, 86401, 1s to 1d", "--udp-idle-timeout, 25h, 1s to 1d",
      "--max-connections, 0, 1 or more", "--max-udp-sessions, -5, 1 or more", "--max-per-source, 0, 1 or more",
      "--io-threads, -1, 0 to 256", "--io-threads, 100000, 0 to 256", "--connect-retries, -1, 0 to 100", "--connect-retries, 101, 0 to 100",
      "--resolve-interval, 500ms, 1s to 1d", "--resolve-interval, 2d, 1s to 1d"})
  void aValueOutOfRangeIsAUsageErrorThatNamesItAndTheRange(String option, String value, String valid)
      throws IOException {
    Cli result = gatewayWith(option, value);
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("porte: " + option + " " + value + " is out of range (valid: " + valid + ")");
    assertThat(result.out()).as("refused before anything starts").isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"--idle-timeout, 5x", "--connect-timeout, -3", "--drain, 1.5s", "--udp-idle-timeout, ''",
      "--resolve-interval, often"})
  void aTimeoutThatIsNoDurationIsAUsageErrorThatSaysWhatIs(String option, String value) throws IOException {
    Cli result = gatewayWith(option, value);
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("porte: " + option + " '" + value + "' is not a duration (valid: a number "
        + "of seconds, or one with a unit: 500ms, 30s, 5m, 1h, 1d)");
  }

  /** The kernel takes keepalive times in whole seconds, up to 32767; "off" is a value of this option alone. */
  @ParameterizedTest
  @ValueSource(strings = {"1500ms", "32768", "10h", "never", "-1"})
  void aKeepaliveTheKernelCannotTakeIsAUsageErrorThatSaysWhatIs(String value) throws IOException {
    Cli result = gatewayWith("--tcp-keepalive", value);
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("porte: --tcp-keepalive '" + value + "' is not valid (valid: 0 or off, or "
        + "whole seconds from 1s to 32767s, such as 60, 60s or 5m)");
  }

  @Test
  void aBadOptionIsRefusedBeforeThePolicyIsRead() {
    // Had the policy been read first, the missing file would be the error.
    Cli result = Cli.run("gateway", "--policy", dir.resolve("absent.yaml").toString(), "--port-offset", "70000");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("porte: --port-offset 70000 is out of range (valid: 0-65535)");
  }

  @Test
  void aBadClientAliasIsAUsageError() throws IOException {
    Cli result = gatewayWith("--client-alias", "127.0.0.2");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("--client-alias wants LOCAL=AS").contains("'127.0.0.2'");
  }

  @Test
  void aPolicyWithoutServicesIsRefused() throws IOException {
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "inbound:\n  - allow: 80/tcp\n");
    Cli result = Cli.run("gateway", "--policy", policy.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("has no services: nothing for the gateway to serve");
  }
}
