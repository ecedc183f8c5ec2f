package dev.porte.server;

import dev.porte.server.store.ConnectionLogStore;
import dev.porte.server.store.StoreLocation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything {@link PorteServer#start} needs, checked when built. Immutable: a running server is
 * changed through the API, never by changing its configuration.
 *
 * @param console where the API listens
 * @param store the database
 * @param stateDirectory where the API token file lives
 * @param clock the time stamps of versions and events
 * @param connectionLogCapacity how many connection events the log keeps
 */
public record ServerConfig(
    ConsoleAddress console, StoreLocation store, Path stateDirectory, Clock clock, int connectionLogCapacity) {
  public ServerConfig {
    if (connectionLogCapacity < 1) {
      throw new IllegalArgumentException("the connection log keeps at least one event: " + connectionLogCapacity);
    }
  }

  /** The defaults of {@code porte serve}: loopback, port 9474, SQLite in the state directory. */
  public static ServerConfig defaults(Map<String, String> env) {
    return new ServerConfig(
        ConsoleAddress.DEFAULT,
        StoreLocation.defaultFor(env),
        StoreLocation.stateDirectory(env),
        Clock.systemUTC(),
        ConnectionLogStore.DEFAULT_CAPACITY);
  }

  public ServerConfig withConsole(ConsoleAddress value) {
    return new ServerConfig(value, store, stateDirectory, clock, connectionLogCapacity);
  }

  public ServerConfig withStore(StoreLocation value) {
    return new ServerConfig(console, value, stateDirectory, clock, connectionLogCapacity);
  }

  public ServerConfig withClock(Clock value) {
    return new ServerConfig(console, store, stateDirectory, value, connectionLogCapacity);
  }
}
