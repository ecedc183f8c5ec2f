package dev.porte.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.connections.ConnectionQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real SQLite file. */
final class SqlitePolicyStoreTest extends PolicyStoreContract {
  @TempDir Path dir;

  @Override
  StoreLocation freshLocation() {
    return sameLocation();
  }

  @Override
  StoreLocation sameLocation() {
    return StoreLocation.sqlite(dir.resolve("state/porte/porte.db"));
  }

  @Test
  void theFileAndItsDirectoryAreCreatedAndRunInWalMode() throws Exception {
    assertThat(Files.isRegularFile(dir.resolve("state/porte/porte.db"))).isTrue();
    String mode = db.read(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        return rs.getString(1);
      }
    });
    assertThat(mode).isEqualToIgnoringCase("wal");
  }

  @Test
  void aDatabaseOfTheEarlierSchemaKeepsItsConnectionLogAndGainsTheEndColumn() throws Exception {
    Path file = dir.resolve("earlier/porte.db");
    Files.createDirectories(file.getParent());
    String url = "jdbc:sqlite:" + file;
    // The schema as porte left it before V3: the connection log without 'ended', one event in it.
    Flyway.configure().dataSource(url, null, null)
        .locations("classpath:db/migration/common", "classpath:db/migration/sqlite").target("2").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO connection_log (at, direction, protocol, client, port, verdict, rule, bytes_in, bytes_out)"
          + " VALUES (0, 'inbound', 'tcp', '198.51.100.7', 80, 'allow', 'porte.yaml line 3', 10, 20)");
    }

    try (Database upgraded = Database.open(StoreLocation.sqlite(file))) {
      ConnectionLogStore log = new ConnectionLogStore(upgraded, 10);
      log.record(ConnectionEvent.of(Instant.EPOCH, Direction.INBOUND, Protocol.TCP, IpAddress.parse("198.51.100.8"), 80,
          Action.ALLOW, "porte.yaml line 3", 1, 2, "idle"));
      assertThat(log.find(ConnectionQuery.all()))
          .extracting(ConnectionEvent::client, ConnectionEvent::bytesOut, ConnectionEvent::ended)
          .containsExactly(
              tuple(IpAddress.parse("198.51.100.8"), 2L, "idle"),
              tuple(IpAddress.parse("198.51.100.7"), 20L, null));
    }
  }

  @Test
  void migrationsRanFromTheCommonAndTheSqliteFolders() {
    Integer migrations = db.read(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertThat(migrations).isEqualTo(3);
    Boolean indexed = db.read((Connection c) -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'connection_log_port'")) {
        return rs.next();
      }
    });
    assertThat(indexed).isTrue();
  }
}
