package dev.porte.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
  void migrationsRanFromTheCommonAndTheSqliteFolders() {
    Integer migrations = db.read(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertThat(migrations).isEqualTo(2);
    Boolean indexed = db.read((Connection c) -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'connection_log_port'")) {
        return rs.next();
      }
    });
    assertThat(indexed).isTrue();
  }
}
