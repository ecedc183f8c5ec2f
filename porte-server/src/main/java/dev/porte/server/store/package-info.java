/**
 * The policy history and the connection log, on SQLite (the embedded default) or PostgreSQL.
 * Every write is one transaction: a process killed in the middle of one leaves the database as it
 * was before it.
 */
@NullMarked
package dev.porte.server.store;

import org.jspecify.annotations.NullMarked;
