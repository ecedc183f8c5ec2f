package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.DIAMOND_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new policy swaps in atomically; admitted connections it still allows are not dropped. */
class ReloadIT {
  private static String policyFor(int backendPort, String inboundFrom, String extra) {
    return "inbound:\n  - allow: 7/tcp\n    from: " + inboundFrom + "\n" + extra
        + "services:\n  7: { to: 127.0.0.1:" + backendPort + " }\n";
  }

  @Test
  void reloadsUnderTrafficDropNothingThePolicyStillAllows() throws Exception {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "198.51.100.0/24", "")), config().build())) {
      InetSocketAddress at = gateway.address(Protocol.TCP, 7);
      int clients = 40;
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong roundTrips = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Thread t = new Thread(() -> {
          try (Socket s = connectFrom(CIRCLE_LOCAL, at)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] msg = new byte[512];
            while (!stop.get()) {
              out.write(msg);
              byte[] back = in.readNBytes(msg.length);
              if (back.length != msg.length) {
                throw new IOException("connection ended after " + back.length + " bytes");
              }
              roundTrips.incrementAndGet();
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        t.start();
        threads.add(t);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.openConnections() == clients);
      // Reload ten times while traffic flows; each policy still admits the circle client.
      for (int i = 0; i < 10; i++) {
        long before = roundTrips.get();
        String comment = "    comment: reload " + i + "\n";
        gateway.reload(policy(policyFor(echo.port(), "198.51.100.0/24\n" + comment, "")));
        await().atMost(Duration.ofSeconds(3)).until(() -> roundTrips.get() > before + clients);
      }
      assertThat(errors).isEmpty();
      assertThat(gateway.openConnections()).isEqualTo(clients);

      // Now a policy that no longer admits the circle client: its connections are closed.
      gateway.reload(policy(policyFor(echo.port(), "203.0.113.0/24", "")));
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.openConnections() == 0);
      stop.set(true);
      for (Thread t : threads) {
        t.join(5000);
      }
      assertThat(errors).hasSize(clients);
      // And the diamond client, now admitted, gets in.
      try (Socket s = connectFrom(DIAMOND_LOCAL, at)) {
        s.getOutputStream().write("x".getBytes());
        assertThat(s.getInputStream().read()).isEqualTo('x');
      }
    }
  }

  @Test
  void reloadAddsAndRemovesListenersAndWithholdsRepliesFromNowOn() throws IOException {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(policyFor(echo.port(), "any", "")), config().build());
        Socket kept = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      kept.getOutputStream().write("1".getBytes());
      assertThat(kept.getInputStream().read()).isEqualTo('1');

      String two = "inbound:\n  - allow: [7/tcp, 9/tcp]\noutbound:\n  - deny: 7/tcp\nservices:\n"
          + "  7: { to: 127.0.0.1:" + echo.port() + " }\n  9: { to: 127.0.0.1:" + echo.port() + " }\n";
      gateway.reload(policy(two));
      assertThat(gateway.address(Protocol.TCP, 9)).isNotNull();
      try (Socket nine = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 9))) {
        nine.getOutputStream().write("9".getBytes());
        assertThat(nine.getInputStream().read()).isEqualTo('9');
      }
      // The open connection on 7 is still admitted, but its replies may no longer leave.
      kept.getOutputStream().write("2".getBytes());
      assertThat(kept.getInputStream().read()).isEqualTo(-1);

      gateway.reload(policy(policyFor(echo.port(), "any", "")));
      assertThat(gateway.address(Protocol.TCP, 9)).isNull();
    }
  }

  /**
   * The watcher puts a change in force once it has settled: a file caught half written (here its
   * rules without its services, valid YAML) is never loaded, which would have closed the door
   * until the next check. An empty file, a write caught before its first byte, is refused.
   */
  @Test
  void aFileHalfWrittenOrEmptyIsNotPutInForce(@TempDir Path dir) throws Exception {
    try (LogLines lines = new LogLines(PolicyReloader.class); TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      Path file = dir.resolve("porte.yaml");
      String whole = policyFor(echo.port(), "198.51.100.0/24", "");
      Files.writeString(file, whole);
      try (Gateway gateway = Gateway.start(dev.porte.core.policy.Policies.parser().load(file), config().build());
          PolicyReloader reloader = new PolicyReloader(gateway, file)) {
        String half = whole.substring(0, whole.indexOf("services:")) + "# more to come\n";
        Files.writeString(file, half);
        reloader.reloadIfChanged();
        assertThat(gateway.policy().services()).as("a change seen once waits").hasSize(1);
        Files.writeString(file, whole.replace("198.51.100.0/24", "198.51.100.0/25"));
        reloader.reloadIfChanged();
        assertThat(gateway.policy().rules().get(0).remotesText()).as("still changing").contains("198.51.100.0/24");
        reloader.reloadIfChanged();
        assertThat(gateway.policy().rules().get(0).remotesText()).as("settled: in force").contains("198.51.100.0/25");
        assertThat(gateway.policy().services()).hasSize(1);

        Files.writeString(file, "\n# nothing yet\n");
        assertThat(reloader.reloadNow()).as("an empty file, as SIGHUP would load it").isFalse();
        assertThat(lines.messages()).anySatisfy(line -> assertThat(line).contains("rejected, the running policy stays in "
            + "force: the file is empty"));
        assertThat(gateway.policy().services()).hasSize(1);
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          s.getOutputStream().write("still".getBytes());
          assertThat(new String(s.getInputStream().readNBytes(5))).isEqualTo("still");
        }
      }
    }
  }

  /**
   * Kubernetes mounts a ConfigMap as {@code porte.yaml -> ..data/porte.yaml} and updates it by
   * pointing {@code ..data} at a new directory. A new version of the same size, written with the
   * old one's time (as {@code cp -p} or {@code rsync -a} would), is still a new file, and put in
   * force; time and size alone missed it.
   */
  @Test
  void aFileSwappedInWholeIsPutInForceThoughTimeAndSizeAreUnchanged(@TempDir Path dir) throws Exception {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      String first = policyFor(echo.port(), "198.51.100.0/24", "");
      String second = first.replace("198.51.100.0/24", "198.51.100.0/25");
      Path firstDir = Files.createDirectory(dir.resolve("..2026_11_25_01"));
      Path secondDir = Files.createDirectory(dir.resolve("..2026_11_25_02"));
      Files.writeString(firstDir.resolve("porte.yaml"), first);
      Files.writeString(secondDir.resolve("porte.yaml"), second);
      Files.setLastModifiedTime(secondDir.resolve("porte.yaml"), Files.getLastModifiedTime(firstDir.resolve("porte.yaml")));
      Path data = Files.createSymbolicLink(dir.resolve("..data"), firstDir.getFileName());
      Path file = Files.createSymbolicLink(dir.resolve("porte.yaml"), data.getFileName().resolve("porte.yaml"));
      try (Gateway gateway = Gateway.start(dev.porte.core.policy.Policies.parser().load(file), config().build());
          PolicyReloader reloader = new PolicyReloader(gateway, file)) {
        Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), secondDir.getFileName());
        Files.move(swap, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(file)).isEqualTo(second);
        reloader.reloadIfChanged();
        reloader.reloadIfChanged();
        assertThat(gateway.policy().rules().get(0).remotesText()).contains("198.51.100.0/25");
      }
    }
  }

  /** A reload that sends a service elsewhere says so; an open connection keeps its backend. */
  @Test
  void aReloadThatMovesABackendSaysSoAndOpenConnectionsKeepTheirs() throws Exception {
    try (LogLines lines = new LogLines(Gateway.class);
        TestBackends.Tcp first = TestBackends.Tcp.banner("first\n");
        TestBackends.Tcp second = TestBackends.Tcp.banner("second\n");
        Gateway gateway = Gateway.start(policy(policyFor(first.port(), "198.51.100.0/24", "")), config().build())) {
      InetSocketAddress at = gateway.address(Protocol.TCP, 7);
      try (Socket held = connectFrom(CIRCLE_LOCAL, at)) {
        held.setSoTimeout(5000);
        assertThat(new String(held.getInputStream().readNBytes(6))).isEqualTo("first\n");
        gateway.reload(policy(policyFor(second.port(), "198.51.100.0/24", "")));
        assertThat(lines.messages()).contains("7/tcp now goes to 127.0.0.1:" + second.port() + " (was 127.0.0.1:"
            + first.port() + "); open connections keep theirs");
        assertThat(lines.messages()).anySatisfy(line -> assertThat(line).contains(": 1 rule, 1 service, 1 connection "
            + "carries on, 0 closed"));
        try (Socket fresh = connectFrom(CIRCLE_LOCAL, at)) {
          fresh.setSoTimeout(5000);
          assertThat(new String(fresh.getInputStream().readNBytes(7))).isEqualTo("second\n");
        }
        held.getOutputStream().write("still here".getBytes());
        await().atMost(Duration.ofSeconds(3)).until(() -> first.received.get() >= 10);
      }
    }
  }

  @Test
  void anInvalidPolicyFileIsRejectedAndTheRunningOneStays(@TempDir Path dir) throws IOException {
    try (LogLines lines = new LogLines(PolicyReloader.class); TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      Path file = dir.resolve("porte.yaml");
      Files.writeString(file, policyFor(echo.port(), "any", ""));
      try (Gateway gateway = Gateway.start(dev.porte.core.policy.Policies.parser().load(file), config().build());
          PolicyReloader reloader = new PolicyReloader(gateway, file)) {
        reloader.watch(Duration.ofMillis(100));
        Files.writeString(file, policyFor(echo.port(), "any", "").replace("7/tcp", "70000/tcp"));
        lines.await("rejected, the running policy stays", "70000");
        assertThat(reloader.reloadNow()).isFalse();
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          s.getOutputStream().write("still".getBytes());
          assertThat(new String(s.getInputStream().readNBytes(5))).isEqualTo("still");
        }
        // A valid edit is picked up by the watch.
        Files.writeString(file, policyFor(echo.port(), "203.0.113.0/24", ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.policy().rules().get(0).remotesText().contains("203.0.113.0/24"));
        try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
          assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
      }
    }
  }
}
