package dev.porte.server.connections;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Action;
import dev.porte.core.model.IpAddress;
import org.jspecify.annotations.Nullable;

/**
 * A filter on the connection log; a null field matches everything. Immutable.
 *
 * @param ended how the connections ended ({@code idle}: a close cause's label)
 * @param limit at most this many events, newest first; 1 to {@link #MAX_LIMIT}
 */
public record ConnectionQuery(
    @Nullable Action verdict, @Nullable Integer port, @Nullable IpAddress client, @Nullable String ended, int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  public ConnectionQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new PorteException(ErrorCode.INVALID_VALUE, "limit must be in [1, " + MAX_LIMIT + "]: " + limit);
    }
  }

  public static ConnectionQuery all() {
    return new ConnectionQuery(null, null, null, null, DEFAULT_LIMIT);
  }
}
