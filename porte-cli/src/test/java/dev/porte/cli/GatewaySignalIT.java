package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
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
    if (gateway != null) {
      gateway.destroy();
      gateway.waitFor(10, TimeUnit.SECONDS);
      gateway.destroyForcibly();
    }
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
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(gateway.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
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
