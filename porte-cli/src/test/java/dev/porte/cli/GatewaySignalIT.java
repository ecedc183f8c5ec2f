package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code porte gateway} as an operator runs it, a real process told to reload by a real
 * {@code SIGHUP} (sent with kill(1)). The policy file is rewritten to the same size with its old
 * modification time put back, so the file watcher cannot see the edit: only the signal can make
 * the new policy take effect, and the test shows it does, and that a broken file on SIGHUP is
 * refused while the running policy stays.
 */
class GatewaySignalIT {
  private static final Path JAR = Path.of("target/porte.jar").toAbsolutePath();
  // 127.0.0.2 is judged as 198.51.100.7: loopback itself is always allowed.
  private static final String CLIENT = "127.0.0.2";
  private static final String ALLOW = "inbound:\n  - allow: 7001/tcp\n    from: 198.51.100.0/24\n";
  private static final String DENY = "inbound:\n  - deny:  7001/tcp\n    from: 198.51.100.0/24\n";
  private static final String BROKEN = "inbound:\n  - allow: 7001/tcq\n    from: 198.51.100.0/24\n";

  @TempDir Path dir;
  private ServerSocket backend;
  private Thread backendThread;
  private Process gateway;
  private Path log;

  @BeforeEach
  void startBackend() throws IOException {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    backendThread = new Thread(() -> {
      while (!backend.isClosed()) {
        try (Socket s = backend.accept()) {
          s.getOutputStream().write("hello from the service\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return; // closed by the test
        }
      }
    }, "sighup-backend");
    backendThread.setDaemon(true);
    backendThread.start();
  }

  @AfterEach
  void stop() throws Exception {
    Processes.stop(gateway);
    backend.close();
  }

  private String policy(String rules) {
    return rules + "services:\n  7001: { to: 127.0.0.1:" + backend.getLocalPort() + " }\n";
  }

  /** The service's greeting, or "" when the gateway ended the connection without a word. */
  private static String greeting(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(CLIENT, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(3000);
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** Rewrites the file without changing its size or modification time: invisible to the watcher. */
  private static void rewriteUnseen(Path file, String text) throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    assertThat(text.length()).isEqualTo(Files.size(file));
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, modified);
  }

  private void hangUp() throws Exception {
    send("HUP", gateway);
  }

  private static void send(String signal, Process process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** A backend that echoes what each connection sends, on a thread per connection. */
  static ServerSocket echoBackend() throws IOException {
    ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread relay = new Thread(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // the gateway closed it
            }
          }, "echo-connection");
          relay.setDaemon(true);
          relay.start();
        } catch (IOException e) {
          return; // closed by the test
        }
      }
    }, "echo-backend");
    acceptor.setDaemon(true);
    acceptor.start();
    return echo;
  }

  static String exchange(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
  }

  /**
   * The first SIGTERM drains: the door closes, an open connection keeps relaying. The second cuts
   * the drain short: the connection is closed at once and the process ends cleanly, long before
   * the 20 s the drain would have allowed.
   */
  @Test
  void aSecondSigtermEndsTheDrainAndClosesWhatIsOpen() throws Exception {
    try (ServerSocket echo = echoBackend()) {
      Path file = dir.resolve("porte.yaml");
      Files.writeString(file, "inbound:\n  - allow: 7002/tcp\nservices:\n  7002: { to: 127.0.0.1:" + echo.getLocalPort() + " }\n");
      log = dir.resolve("gateway.log");
      gateway = new ProcessBuilder(List.of("java", "-jar", JAR.toString(), "gateway", "--policy", file.toString(),
          "--listen", "127.0.0.1", "--port-offset", "20000", "--drain", "20"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("porte gateway: serving"));
      try (Socket held = new Socket("127.0.0.1", 27002)) {
        held.setSoTimeout(5000);
        assertThat(exchange(held, "one")).isEqualTo("one");

        send("TERM", gateway);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log)
            .contains("waiting up to 20s for 1 open connection to finish (Ctrl-C again closes them now)"));
        assertThatThrownBy(() -> new Socket("127.0.0.1", 27002).close()).as("the door is closed")
            .isInstanceOf(ConnectException.class);
        assertThat(exchange(held, "two")).as("the open connection still relays").isEqualTo("two");

        long secondAt = System.nanoTime();
        send("TERM", gateway);
        assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).as("the process ends after the second signal").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - secondAt)).isLessThan(Duration.ofSeconds(8));
        assertThat(gateway.exitValue()).isZero();
        assertThat(held.getInputStream().read()).as("the held connection was closed").isEqualTo(-1);
      }
      assertThat(Files.readString(log)).contains("1 connection is still open and a second signal came: closing it now")
          .contains("porte gateway: stopping");
    }
  }

  /**
   * A stop that hangs (here, a command that never closes after its first signal) ends at the
   * third signal, at once and with status 130.
   */
  @Test
  void aThirdSignalEndsAStopThatHangs() throws Exception {
    log = dir.resolve("hung.log");
    Process hung = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HungStop.class.getName()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("waiting for a signal"));
      send("TERM", hung);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("stopping, and hanging"));
      send("INT", hung);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("hurried"));
      assertThat(hung.isAlive()).as("two signals ask; they do not kill").isTrue();
      send("TERM", hung);
      assertThat(hung.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(hung.exitValue()).isEqualTo(ShutdownSignal.HALT_STATUS);
      assertThat(Files.readString(log)).contains("porte: SIGTERM a third time: exiting now, without closing anything");
    } finally {
      hung.destroyForcibly();
    }
  }

  /** A command whose stop hangs: it awaits a signal, then never closes its {@link ShutdownSignal}. */
  static final class HungStop {
    public static void main(String[] args) throws Exception {
      ShutdownSignal signal = new ShutdownSignal("hung-stop");
      System.out.println("waiting for a signal");
      signal.await(null);
      System.out.println("stopping, and hanging");
      signal.hurried().get();
      System.out.println("hurried");
      Thread.sleep(Duration.ofMinutes(2).toMillis());
    }
  }

  @Test
  void sighupReloadsThePolicyAndABrokenFileLeavesTheRunningOneInForce() throws Exception {
    Path file = dir.resolve("porte.yaml");
    Files.writeString(file, policy(ALLOW));
    log = dir.resolve("gateway.log");
    gateway = new ProcessBuilder(List.of("java", "-jar", JAR.toString(), "gateway", "--policy", file.toString(),
        "--listen", "127.0.0.1", "--port-offset", "20000", "--client-alias", CLIENT + "=198.51.100.7"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int port = 27001;
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("porte gateway: serving"));
    assertThat(greeting(port)).isEqualTo("hello from the service\n");

    rewriteUnseen(file, policy(DENY));
    Thread.sleep(4500); // two periods of the watcher: it must not have noticed
    assertThat(greeting(port)).as("the watcher cannot see the edit; only SIGHUP may apply it").isNotEmpty();

    hangUp();
    await().atMost(Duration.ofSeconds(10)).until(() -> greeting(port).isEmpty());

    rewriteUnseen(file, policy(BROKEN));
    hangUp();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("tcq"));
    assertThat(Files.readString(log)).contains("rejected, the running policy stays in force");
    assertThat(greeting(port)).as("the deny policy is still in force").isEmpty();
    assertThat(gateway.isAlive()).isTrue();
  }
}
