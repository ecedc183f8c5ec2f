package dev.porte.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * An open, migrated database: a connection pool and one way to run a transaction. Thread-safe.
 *
 * <p>Writes are serialized by a lock in this process: SQLite allows one writer at a time, and a
 * deferred SQLite transaction that upgrades from read to write can fail at once with SQLITE_BUSY
 * instead of waiting; taking the lock first makes every write wait its turn instead.
 */
public final class Database implements AutoCloseable {
  /** The advisory lock key of policy writes: "porte" in ASCII. */
  private static final long POLICY_LOCK = 0x706f727465L;

  private final StoreLocation location;
  private final HikariDataSource pool;
  private final ReentrantLock writeLock = new ReentrantLock();

  private Database(StoreLocation location, HikariDataSource pool) {
    this.location = location;
    this.pool = pool;
  }

  /** Opens the database (creating a SQLite file and its directory when missing) and migrates it. */
  public static Database open(StoreLocation location) {
    Path file = location.file();
    if (file != null) {
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
      } catch (IOException e) {
        throw new PorteException(ErrorCode.IO, "cannot create the directory of " + file + ": " + e.getMessage(), e);
      }
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(location.jdbcUrl());
    config.setPoolName("porte-store");
    config.setAutoCommit(false);
    if (location.vendor() == StoreLocation.Vendor.SQLITE) {
      // WAL: readers never block the writer and a torn write is rolled back on the next open;
      // synchronous=FULL: a committed version survives a power cut, not only a killed process.
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", "10000");
      config.addDataSourceProperty("foreign_keys", "true");
      config.setMaximumPoolSize(4);
    } else {
      config.setMaximumPoolSize(8);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new PorteException(ErrorCode.IO, "cannot open the database " + location.display() + ": " + rootMessage(e), e);
    }
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration/common", "classpath:db/migration/" + location.vendor().folder())
          .load()
          .migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new PorteException(ErrorCode.IO, "cannot migrate the database " + location.display() + ": " + e.getMessage(), e);
    }
    return new Database(location, pool);
  }

  public StoreLocation location() {
    return location;
  }

  /** Work done inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} in one write transaction: all of it commits, or none of it. */
  public <T> T write(Work<T> work) {
    writeLock.lock();
    try {
      return transaction(work);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Like {@link #write}, and also serialized with the same kind of write in every other process on
   * this database. Policy writes read the apply history and then append to it; on PostgreSQL
   * several servers may share one database, and under READ COMMITTED two rollbacks could both read
   * the same history and pop the same version. A transaction-scoped advisory lock makes them take
   * turns. (SQLite needs no more: it admits one writer at a time and fails a transaction whose
   * snapshot another process has overtaken, instead of letting it write.)
   */
  public <T> T writeSerialized(Work<T> work) {
    return write(c -> {
      if (location.vendor() == StoreLocation.Vendor.POSTGRESQL) {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, POLICY_LOCK);
          lock.execute();
        }
      }
      return work.run(c);
    });
  }

  /** Runs {@code work} in a read transaction (a consistent snapshot on both databases). */
  public <T> T read(Work<T> work) {
    return transaction(work);
  }

  private <T> T transaction(Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new PorteException(ErrorCode.IO, "database " + location.display() + ": " + e.getMessage(), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  @Override
  public void close() {
    pool.close();
  }
}
