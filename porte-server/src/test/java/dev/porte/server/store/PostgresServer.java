package dev.porte.server.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL server the integration tests use: {@code $PORTE_TEST_PG_URL}, else the role
 * and database that {@code .ci/run} creates. Without a reachable server the tests are skipped with
 * a message, except in CI ({@code CI=true}), where they fail: CI must test PostgreSQL.
 */
public final class PostgresServer {
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/porte_test?user=porte&password=porte";

  private PostgresServer() {}

  public static String url() {
    String url = System.getenv("PORTE_TEST_PG_URL");
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  /** Checks that the server answers and empties its public schema; skips or fails when it cannot. */
  public static StoreLocation fresh() {
    try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS public CASCADE");
      s.execute("CREATE SCHEMA public");
    } catch (SQLException e) {
      String why = "no PostgreSQL at " + url() + " (" + e.getMessage() + "); set PORTE_TEST_PG_URL or run .ci/run";
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true and " + why);
      }
      Assumptions.abort(why);
    }
    return StoreLocation.parse(url());
  }
}
