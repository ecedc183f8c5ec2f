package dev.porte.server.metrics;

import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.connections.ConnectionLog;

/** Counts each event, then hands it on. Thread-safe when its delegate is. */
public final class MeteredConnectionLog implements ConnectionLog {
  private final ConnectionLog delegate;
  private final ServerMetrics metrics;

  public MeteredConnectionLog(ConnectionLog delegate, ServerMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public void record(ConnectionEvent event) {
    metrics.connection(event);
    delegate.record(event);
  }
}
