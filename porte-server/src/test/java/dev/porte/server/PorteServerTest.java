package dev.porte.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.server.store.StoreLocation;
import dev.porte.server.store.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and starting again: what the first start creates and what later ones keep. */
final class PorteServerTest {
  @TempDir Path dir;

  ServerConfig config() {
    return new ServerConfig(
        new ConsoleAddress("127.0.0.1", 0),
        StoreLocation.sqlite(dir.resolve("db/porte.db")),
        dir.resolve("state"),
        new TestClock(Instant.parse("2026-11-24T03:00:00Z")),
        100);
  }

  @Test
  void theFirstStartCreatesAnOwnerOnlyTokenAndStoresTheSafeDefault() throws Exception {
    String token;
    try (PorteServer server = PorteServer.start(config())) {
      assertThat(server.startedFromDefault()).isTrue();
      assertThat(server.token().created()).isTrue();
      token = server.token().value();
      assertThat(token).matches("[A-Za-z0-9_-]{43}");
      Path file = dir.resolve("state/api-token");
      assertThat(server.token().file()).isEqualTo(file);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(Files.readString(file).strip()).isEqualTo(token);
      assertThat(server.url().toString()).matches("http://127\\.0\\.0\\.1:[0-9]+/");
      assertThat(server.policyInForce().now().applied().version().message()).isEqualTo(PorteServer.DEFAULT_MESSAGE);
      server.store().saveAndApply("alice", "web", "inbound:\n  - allow: http\n");
    }

    try (PorteServer again = PorteServer.start(config())) {
      assertThat(again.startedFromDefault()).isFalse();
      assertThat(again.token().created()).isFalse();
      assertThat(again.token().value()).isEqualTo(token);
      assertThat(again.policyInForce().now().applied().version().message()).isEqualTo("web");
      assertThat(again.store().history()).hasSize(2);
    }
  }

  @Test
  void theDefaultStateDirectoryFollowsXdg() {
    assertThat(StoreLocation.stateDirectory(Map.of("XDG_STATE_HOME", "/x/state", "HOME", "/home/u")))
        .isEqualTo(Path.of("/x/state/porte"));
    assertThat(StoreLocation.stateDirectory(Map.of("HOME", "/home/u"))).isEqualTo(Path.of("/home/u/.local/state/porte"));
    assertThat(StoreLocation.defaultFor(Map.of("HOME", "/home/u")).file()).isEqualTo(Path.of("/home/u/.local/state/porte/porte.db"));
    assertThat(ServerConfig.defaults(Map.of("HOME", "/home/u")).console()).isEqualTo(new ConsoleAddress("127.0.0.1", 9474));
  }
}
