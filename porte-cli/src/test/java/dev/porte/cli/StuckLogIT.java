package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code porte gateway} whose stderr nobody reads, as under a log collector that has stalled: the
 * pipe fills after a few hundred lines. The gateway logs two lines per connection; written from
 * its event loops, they stopped it after 160 connections, and SIGTERM could not stop it either.
 * Lines are now queued and dropped when the queue is full, so traffic goes on.
 */
class StuckLogIT {
  private static final Path JAR = Path.of("target/porte.jar").toAbsolutePath();
  private static final int CONNECTIONS = 1_000;

  @TempDir Path dir;
  private Process gateway;

  @AfterEach
  void stop() throws Exception {
    Processes.stop(gateway);
  }

  @Test
  void aStderrNobodyReadsDoesNotStopTheGateway() throws Exception {
    try (ServerSocket echo = GatewaySignalIT.echoBackend()) {
      Path file = dir.resolve("porte.yaml");
      Files.writeString(file, "inbound:\n  - allow: 7005/tcp\nservices:\n  7005: { to: 127.0.0.1:" + echo.getLocalPort() + " }\n");
      Path out = dir.resolve("stdout.txt");
      // stderr stays a pipe that this test never reads.
      gateway = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
          JAR.toString(), "gateway", "--policy", file.toString(), "--listen", "127.0.0.1", "--port-offset", "20000"))
          .redirectOutput(out.toFile()).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("porte gateway: serving"));
      for (int i = 0; i < CONNECTIONS; i++) {
        try (Socket s = new Socket("127.0.0.1", 27005)) {
          s.setSoTimeout(5000);
          assertThat(GatewaySignalIT.exchange(s, "ping")).as("connection %d", i + 1).isEqualTo("ping");
        }
      }
      gateway.destroy();
      assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).as("SIGTERM still stops it").isTrue();
      assertThat(gateway.exitValue()).isZero();
      assertThat(Files.readString(out)).contains("porte gateway: stopping (" + CONNECTIONS + " admitted");
    }
  }
}
