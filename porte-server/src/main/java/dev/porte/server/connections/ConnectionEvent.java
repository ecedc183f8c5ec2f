package dev.porte.server.connections;

import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Port;
import dev.porte.core.model.Protocol;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One decided connection, as the gateway saw it: when, which way, the client (or remote) address,
 * our port (or the remote port for outbound), the verdict, what decided it ({@code porte.yaml line
 * 9} or {@code default policy}, as {@link dev.porte.core.model.Decision#decidedBy()} says), and the
 * bytes that came in from the client and went out to it. Immutable.
 *
 * @param id the store's number for the event, 0 before it is stored
 */
public record ConnectionEvent(
    long id,
    Instant at,
    Direction direction,
    Protocol protocol,
    IpAddress client,
    int port,
    Action verdict,
    @Nullable String rule,
    long bytesIn,
    long bytesOut,
    @Nullable String ended) {
  public ConnectionEvent {
    Port.check(port);
    if (bytesIn < 0 || bytesOut < 0) {
      throw new IllegalArgumentException("byte counts cannot be negative: in " + bytesIn + ", out " + bytesOut);
    }
  }

  /** An event not yet stored. */
  public static ConnectionEvent of(
      Instant at, Direction direction, Protocol protocol, IpAddress client, int port, Action verdict,
      @Nullable String rule, long bytesIn, long bytesOut, @Nullable String ended) {
    return new ConnectionEvent(0, at, direction, protocol, client, port, verdict, rule, bytesIn, bytesOut, ended);
  }
}
