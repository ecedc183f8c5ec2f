-- SQLite spelling of the tables; postgresql/V1__tables.sql is the same schema.
-- Times are epoch milliseconds (UTC): portable, sortable, and exact.
CREATE TABLE policy_version (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at BIGINT  NOT NULL,
  author     TEXT    NOT NULL,
  message    TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  sha256     CHAR(64) NOT NULL
);

-- Every apply and rollback, in order. The newest row names the version in force.
CREATE TABLE policy_apply (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  version_id BIGINT  NOT NULL REFERENCES policy_version (id),
  applied_at BIGINT  NOT NULL,
  author     TEXT    NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('apply', 'rollback'))
);

CREATE TABLE connection_log (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        BIGINT  NOT NULL,
  direction TEXT    NOT NULL,
  protocol  TEXT    NOT NULL,
  client    TEXT    NOT NULL,
  port      INTEGER NOT NULL,
  verdict   TEXT    NOT NULL,
  rule      TEXT,
  bytes_in  BIGINT  NOT NULL,
  bytes_out BIGINT  NOT NULL
);
