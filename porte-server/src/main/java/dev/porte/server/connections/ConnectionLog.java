package dev.porte.server.connections;

/**
 * Where connection events go. The gateway calls {@link #record} once per decided connection (at
 * close for an admitted one, with its byte counts; at once for a refused one).
 *
 * <p>Implementations are thread-safe: the gateway calls from its event-loop threads.
 */
@FunctionalInterface
public interface ConnectionLog {
  void record(ConnectionEvent event);

  /** A log that keeps nothing, for callers that have no server. */
  static ConnectionLog discarding() {
    return event -> {};
  }
}
