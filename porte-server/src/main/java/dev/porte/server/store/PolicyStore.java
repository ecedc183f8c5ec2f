package dev.porte.server.store;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.policy.Policies;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The policy history: every version ever saved (who, when, why, text, hash) and which one is in
 * force. Thread-safe; every method is one transaction, so a process killed at any moment leaves
 * either the whole write or none of it.
 *
 * <p>Applies and rollbacks form a stack: {@link #apply} pushes a version, {@link #rollback} pops
 * back to the one applied before it. Both are recorded in {@code policy_apply}; its newest row
 * names the version in force.
 */
public final class PolicyStore {
  /** The name validation errors carry, as in {@code porte.yaml:3:5: ...}. */
  public static final String FILE_NAME = "porte.yaml";

  private final Database db;
  private final Clock clock;

  public PolicyStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Validates {@code text} and stores it as a new version, not yet applied.
   *
   * @throws dev.porte.core.policy.PolicyException when the text is not a valid policy; nothing is stored
   */
  public PolicyVersion save(String author, String message, String text) {
    validate(text);
    return db.writeSerialized(c -> insert(c, author, message, text));
  }

  /** Validates, stores and applies {@code text} in one transaction. */
  public AppliedPolicy saveAndApply(String author, String message, String text) {
    validate(text);
    return db.writeSerialized(c -> {
      PolicyVersion version = insert(c, author, message, text);
      recordApply(c, version.id(), author, "apply");
      return currentIn(c).orElseThrow();
    });
  }

  /**
   * Makes version {@code id} the one in force.
   *
   * @throws PorteException {@link ErrorCode#NOT_FOUND} for an unknown version; {@link
   *     ErrorCode#CONFLICT} when it is in force already (applying it again would make a rollback
   *     return to the same version)
   */
  public AppliedPolicy apply(long id, String author) {
    return db.writeSerialized(c -> {
      find(c, id);
      Deque<Long> stack = appliedStack(c);
      if (!stack.isEmpty() && stack.peek() == id) {
        throw new PorteException(ErrorCode.CONFLICT, "version " + id + " is already in force");
      }
      recordApply(c, id, author, "apply");
      return currentIn(c).orElseThrow();
    });
  }

  /**
   * Returns to the version applied before the current one.
   *
   * @throws PorteException {@link ErrorCode#CONFLICT} when fewer than two versions were applied
   */
  public AppliedPolicy rollback(String author) {
    return db.writeSerialized(c -> {
      Deque<Long> stack = appliedStack(c);
      if (stack.size() < 2) {
        throw new PorteException(
            ErrorCode.CONFLICT,
            stack.isEmpty()
                ? "nothing to roll back: no policy was ever applied"
                : "nothing to roll back to: version " + stack.peek() + " is the only applied version left");
      }
      stack.pop();
      recordApply(c, stack.peek(), author, "rollback");
      return currentIn(c).orElseThrow();
    });
  }

  /** The version in force, if any was ever applied. */
  public Optional<AppliedPolicy> current() {
    return db.read(PolicyStore::currentIn);
  }

  /** Version {@code id}, or {@link ErrorCode#NOT_FOUND}. */
  public PolicyVersion get(long id) {
    return db.read(c -> find(c, id));
  }

  /** Every version, newest first. */
  public List<PolicyVersion> history() {
    return db.read(c -> {
      List<PolicyVersion> versions = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, created_at, author, message, text, sha256 FROM policy_version ORDER BY id DESC")) {
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            versions.add(version(rs));
          }
        }
      }
      return versions;
    });
  }

  private static void validate(String text) {
    // Parsing is the validation: it throws PolicyException with file:line:column and the bad value.
    Policies.parser().parse(text, FILE_NAME);
  }

  private PolicyVersion insert(Connection c, String author, String message, String text) throws SQLException {
    Instant now = clock.instant();
    String hash = PolicyVersion.sha256(text);
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO policy_version (created_at, author, message, text, sha256) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
      s.setLong(1, now.toEpochMilli());
      s.setString(2, author);
      s.setString(3, message);
      s.setString(4, text);
      s.setString(5, hash);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new PolicyVersion(rs.getLong(1), Instant.ofEpochMilli(now.toEpochMilli()), author, message, text, hash);
      }
    }
  }

  private void recordApply(Connection c, long id, String author, String kind) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO policy_apply (version_id, applied_at, author, kind) VALUES (?, ?, ?, ?)")) {
      s.setLong(1, id);
      s.setLong(2, clock.millis());
      s.setString(3, author);
      s.setString(4, kind);
      s.executeUpdate();
    }
  }

  private static PolicyVersion find(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT id, created_at, author, message, text, sha256 FROM policy_version WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new PorteException(ErrorCode.NOT_FOUND, "no policy version " + id);
        }
        return version(rs);
      }
    }
  }

  /** Replays the apply log: an apply pushes its version, a rollback pops one. Top = in force. */
  private static Deque<Long> appliedStack(Connection c) throws SQLException {
    Deque<Long> stack = new ArrayDeque<>();
    try (PreparedStatement s = c.prepareStatement("SELECT version_id, kind FROM policy_apply ORDER BY id")) {
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(2).equals("rollback")) {
            if (stack.isEmpty()) {
              throw new IllegalStateException("the apply history is inconsistent: a rollback with nothing applied");
            }
            stack.pop();
          } else {
            stack.push(rs.getLong(1));
          }
        }
      }
    }
    return stack;
  }

  private static Optional<AppliedPolicy> currentIn(Connection c) throws SQLException {
    Deque<Long> stack = appliedStack(c);
    int depth = stack.size() - 1;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT v.id, v.created_at, v.author, v.message, v.text, v.sha256, a.applied_at, a.author, a.kind"
            + " FROM policy_apply a JOIN policy_version v ON v.id = a.version_id"
            + " ORDER BY a.id DESC LIMIT 1")) {
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        PolicyVersion version = version(rs);
        // The newest row and the replayed stack must agree; if writers ever interleaved, say so
        // rather than serve a version the history cannot explain.
        if (stack.isEmpty() || stack.peek() != version.id()) {
          throw new IllegalStateException(
              "the apply history is inconsistent: its newest row names version " + version.id()
                  + " but replaying it gives " + stack.peek());
        }
        return Optional.of(new AppliedPolicy(
            version, Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8), rs.getString(9), depth));
      }
    }
  }

  private static PolicyVersion version(ResultSet rs) throws SQLException {
    return new PolicyVersion(
        rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
  }
}
