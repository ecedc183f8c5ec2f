package dev.porte.server.api;

import dev.porte.server.store.PostgresServer;
import dev.porte.server.store.StoreLocation;

/** Every API test again, with the store on a real PostgreSQL server. */
final class PostgresApiIT extends ApiTest {
  @Override
  StoreLocation location() {
    return PostgresServer.fresh();
  }
}
