package dev.porte.cli;

import static dev.porte.cli.GatewaySignalIT.echoBackend;
import static dev.porte.cli.GatewaySignalIT.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code porte gateway} started with an open-file limit of 200 (sh's ulimit, for this process
 * only): it warns at start that the caps do not fit, and when clients take every descriptor it
 * says so in one line per ten seconds, with the remedy, instead of Netty's stack traces; the
 * clients past the limit wait, and once descriptors are free again the gateway serves.
 */
class GatewayFileLimitIT {
  private static final Path JAR = Path.of("target/porte.jar").toAbsolutePath();

  @TempDir Path dir;
  private Process gateway;

  @AfterEach
  void stop() throws Exception {
    Processes.stop(gateway);
  }

  /** Starts the gateway with an open-file limit of 200 and {@code options}; returns its log. */
  private Path gatewayWith200Files(ServerSocket echo, String... options) throws Exception {
    Path file = dir.resolve("porte.yaml");
    Files.writeString(file, "inbound:\n  - allow: 7003/tcp\nservices:\n  7003: { to: 127.0.0.1:" + echo.getLocalPort() + " }\n");
    Path log = dir.resolve("gateway.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n 200 && exec \"$@\"", "sh", java, "-jar",
        JAR.toString(), "gateway", "--policy", file.toString(), "--listen", "127.0.0.1", "--port-offset", "20000",
        "--max-per-source", "1000"));
    cmd.addAll(List.of(options));
    gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("porte gateway: serving"));
    return log;
  }

  /**
   * Without --max-connections the cap follows the limit (as HAProxy's maxconn does): the clients
   * past it are refused at once, each with a log line, and no accept ever fails.
   */
  @Test
  void capsLeftUnsetFitTheLimitAndRefuseWhatIsBeyondIt() throws Exception {
    try (ServerSocket echo = echoBackend()) {
      Path log = gatewayWith200Files(echo);
      String start = Files.readString(log);
      assertThat(start).contains("the open-file limit (200) sets the caps: at most ").doesNotContain("is below the");
      int cap = Integer.parseInt(start.replaceAll("(?s).*sets the caps: at most (\\d+) connections.*", "$1"));
      assertThat(cap).isBetween(10, 60);
      List<Socket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < cap + 20; i++) {
          Socket s = new Socket("127.0.0.1", 27003);
          s.setSoTimeout(5000);
          clients.add(s);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).split("the global connection limit of", -1)
            .length - 1 == 20);
        assertThat(exchange(clients.get(0), "first")).as("those within the cap are served").isEqualTo("first");
        assertThat(Files.readString(log)).doesNotContain("Too many open files");
      } finally {
        for (Socket s : clients) {
          s.close();
        }
      }
    }
  }

  @Test
  void runningOutOfDescriptorsIsOneClearLineAndTheGatewayRecovers() throws Exception {
    try (ServerSocket echo = echoBackend()) {
      Path log = gatewayWith200Files(echo, "--max-connections", "1000");
      assertThat(Files.readString(log)).contains("the open-file limit (200) is below the")
          .contains("Raise the limit (ulimit -n, systemd LimitNOFILE=) or lower the caps");

      List<Socket> clients = new ArrayList<>();
      try {
        // Each admitted client takes two of the gateway's descriptors: 150 clients need 300.
        for (int i = 0; i < 150; i++) {
          clients.add(new Socket("127.0.0.1", 27003)); // the kernel completes it from the backlog
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("Too many open files"));
        Thread.sleep(1500); // more failed accepts, after the pause
        String text = Files.readString(log);
        // Which runs out first, the accept or the backend's socket, is a race: either is the one
        // warning of these ten seconds, with the remedy.
        String remedy = "(open-file limit 200: raise it with ulimit -n or systemd LimitNOFILE=, or lower --max-connections)";
        List<String> warnings = text.lines().filter(l -> l.contains("WARN") && l.contains(remedy)).toList();
        assertThat(warnings).as("one line per ten seconds").hasSize(1);
        assertThat(warnings.get(0)).containsAnyOf("cannot accept new connections on 127.0.0.1:27003:",
            "cannot open a socket to backend 127.0.0.1:" + echo.getLocalPort() + " for 7003/tcp:");
        assertThat(text).doesNotContain("reached at the tail of the pipeline").doesNotContain("\tat io.netty");
      } finally {
        for (Socket s : clients) {
          s.close();
        }
      }
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
        try (Socket s = new Socket("127.0.0.1", 27003)) {
          s.setSoTimeout(2000);
          return exchange(s, "back").equals("back");
        }
      });
      assertThat(gateway.isAlive()).isTrue();
    }
  }
}
