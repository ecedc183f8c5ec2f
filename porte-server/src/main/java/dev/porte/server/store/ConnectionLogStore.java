package dev.porte.server.store;

import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.connections.ConnectionLog;
import dev.porte.server.connections.ConnectionQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection log in the database, bounded: each write keeps the newest {@code capacity} events
 * and deletes older ones in the same transaction. Thread-safe.
 */
public final class ConnectionLogStore implements ConnectionLog {
  public static final int DEFAULT_CAPACITY = 100_000;

  private final Database db;
  private final int capacity;

  public ConnectionLogStore(Database db, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the connection log keeps at least one event: " + capacity);
    }
    this.db = db;
    this.capacity = capacity;
  }

  @Override
  public void record(ConnectionEvent event) {
    recordAll(List.of(event));
  }

  /** Stores {@code events} in one transaction (one disk sync for the lot), then prunes. */
  public void recordAll(List<ConnectionEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO connection_log (at, direction, protocol, client, port, verdict, rule, bytes_in, bytes_out, ended)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (ConnectionEvent e : events) {
          s.setLong(1, e.at().toEpochMilli());
          s.setString(2, e.direction().toString());
          s.setString(3, e.protocol().toString());
          s.setString(4, e.client().toString());
          s.setInt(5, e.port());
          s.setString(6, e.verdict().toString());
          s.setString(7, e.rule());
          s.setLong(8, e.bytesIn());
          s.setLong(9, e.bytesOut());
          s.setString(10, e.ended());
          s.addBatch();
        }
        s.executeBatch();
      }
      // Ids only grow, so "older than the newest capacity rows" is one range on the primary key.
      try (PreparedStatement s = c.prepareStatement(
          "DELETE FROM connection_log WHERE id <= (SELECT MAX(id) FROM connection_log) - ?")) {
        s.setLong(1, capacity);
        s.executeUpdate();
      }
      return null;
    });
  }

  /** The newest events that match {@code query}, newest first. */
  public List<ConnectionEvent> find(ConnectionQuery query) {
    StringBuilder sql = new StringBuilder(
        "SELECT id, at, direction, protocol, client, port, verdict, rule, bytes_in, bytes_out, ended FROM connection_log"
            + " WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (query.verdict() != null) {
      sql.append(" AND verdict = ?");
      args.add(query.verdict().toString());
    }
    if (query.port() != null) {
      sql.append(" AND port = ?");
      args.add(query.port());
    }
    if (query.client() != null) {
      sql.append(" AND client = ?");
      args.add(query.client().toString());
    }
    if (query.ended() != null) {
      sql.append(" AND ended = ?");
      args.add(query.ended());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(query.limit());
    return db.read(c -> {
      List<ConnectionEvent> events = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          s.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            events.add(event(rs));
          }
        }
      }
      return events;
    });
  }

  /** How many events the log holds now. */
  public long size() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM connection_log");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static ConnectionEvent event(ResultSet rs) throws SQLException {
    return new ConnectionEvent(
        rs.getLong(1),
        Instant.ofEpochMilli(rs.getLong(2)),
        Direction.parse(rs.getString(3)),
        Protocol.parse(rs.getString(4)),
        IpAddress.parse(rs.getString(5)),
        rs.getInt(6),
        Action.parse(rs.getString(7)),
        rs.getString(8),
        rs.getLong(9),
        rs.getLong(10),
        rs.getString(11));
  }
}
