package dev.porte.gateway;

import dev.porte.core.engine.ConnectionVerdict;
import org.jspecify.annotations.Nullable;

/**
 * One decided connection, for whoever keeps a connection log: a refused one as soon as it is
 * refused, an admitted one (or a UDP session) when it ends, with the bytes that came in from the
 * client and went out to it and why it ended ({@code ended}; null for a refused one). The
 * verdict's flow names the client as it was judged. Immutable.
 */
public record ConnectionRecord(ConnectionVerdict verdict, long bytesIn, long bytesOut, @Nullable CloseCause ended) {
  /** Hears of connection records. Called on the gateway's event-loop threads: it must not block. */
  @FunctionalInterface
  public interface Listener {
    void record(ConnectionRecord record);

    Listener NONE = record -> {};
  }
}
