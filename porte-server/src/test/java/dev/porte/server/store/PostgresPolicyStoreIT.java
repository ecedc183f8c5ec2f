package dev.porte.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL server (see {@link PostgresServer}). */
final class PostgresPolicyStoreIT extends PolicyStoreContract {
  @Override
  StoreLocation freshLocation() {
    return PostgresServer.fresh();
  }

  @Override
  StoreLocation sameLocation() {
    return StoreLocation.parse(PostgresServer.url());
  }

  @Test
  void migrationsRanFromTheCommonAndThePostgresqlFolders() {
    String versions = db.read(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(
              "SELECT string_agg(script, ',' ORDER BY installed_rank) FROM flyway_schema_history WHERE success")) {
        rs.next();
        return rs.getString(1);
      }
    });
    assertThat(versions).isEqualTo("V1__tables.sql,V2__indexes.sql,V3__connection_ended.sql");
    assertThat(db.location().vendor()).isEqualTo(StoreLocation.Vendor.POSTGRESQL);
  }
}
