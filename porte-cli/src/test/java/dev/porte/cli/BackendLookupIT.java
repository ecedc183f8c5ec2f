package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code porte gateway} follows a backend's host name as it changes, through the JDK's own
 * resolver: the process reads its names from a hosts file of the test's (the JDK's {@code
 * jdk.net.hosts.file}), which the test edits as a DNS server's records would change. The name is
 * missing at start, then appears, then moves, with no reload; each step must show within a few
 * seconds, which also needs the launcher's short DNS cache (the JDK would keep an answer 30 s).
 */
class BackendLookupIT {
  private static final Path JAR = Path.of("target/porte.jar").toAbsolutePath();

  @TempDir Path dir;
  private Process gateway;
  private final List<ServerSocket> backends = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    Processes.stop(gateway);
    for (ServerSocket s : backends) {
      s.close();
    }
  }

  @Test
  void aBackendNameThatAppearsAndThenMovesIsFollowedWithoutAReload() throws Exception {
    ServerSocket first = greeter(new InetSocketAddress("127.0.0.20", 0), "first");
    greeter(new InetSocketAddress("127.0.0.30", first.getLocalPort()), "second");
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "# nothing yet\n");
    Path file = dir.resolve("porte.yaml");
    Files.writeString(file, "inbound:\n  - allow: 7004/tcp\nservices:\n  7004: { to: 'backend.test:" + first.getLocalPort()
        + "' }\n");
    Path log = dir.resolve("gateway.log");
    gateway = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djdk.net.hosts.file=" + hosts, "-jar", JAR.toString(), "gateway", "--policy", file.toString(),
        "--listen", "127.0.0.1", "--port-offset", "20000", "--resolve-interval", "1s", "--connect-retries", "0"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("porte gateway: serving"));
    assertThat(Files.readString(log)).contains("backend backend.test:" + first.getLocalPort() + " of service 7004 does not resolve")
        .contains("7004/tcp -> backend.test:" + first.getLocalPort() + ": listening on 127.0.0.1:27004, but the backend's "
            + "name does not resolve: its clients are closed until it does");
    assertThat(greeting()).as("no address yet: the client is closed").isEmpty();

    Files.writeString(hosts, "127.0.0.20 backend.test\n");
    await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(250)).until(() -> greeting().equals("first"));

    Files.writeString(hosts, "127.0.0.30 backend.test\n");
    await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(250)).until(() -> greeting().equals("second"));
    assertThat(Files.readString(log))
        .contains("backend backend.test:" + first.getLocalPort() + " of service 7004 resolves now, to 127.0.0.20")
        .contains("now resolves to 127.0.0.30 (was 127.0.0.20): new connections go there")
        .doesNotContain("reloaded");
  }

  /** What the gateway's port 7004 says, or "" when the connection was closed without a word. */
  private static String greeting() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 27004), 2000);
      s.setSoTimeout(3000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** A backend that says {@code word} to each client and closes. */
  private ServerSocket greeter(InetSocketAddress at, String word) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(at, 50);
    backends.add(server);
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return; // closed by the test
        }
      }
    }, "greeter-" + word);
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }
}
