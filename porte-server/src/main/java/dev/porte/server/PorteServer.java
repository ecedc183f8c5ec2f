package dev.porte.server;

import dev.porte.server.api.AccessToken;
import dev.porte.server.api.ApiServer;
import dev.porte.server.api.Backend;
import dev.porte.server.api.ServingStatus;
import dev.porte.server.connections.AsyncConnectionLog;
import dev.porte.server.connections.ConnectionLog;
import dev.porte.server.metrics.MeteredConnectionLog;
import dev.porte.server.metrics.ServerMetrics;
import dev.porte.server.store.AppliedPolicy;
import dev.porte.server.store.ConnectionLogStore;
import dev.porte.server.store.Database;
import dev.porte.server.store.PolicyStore;
import java.net.URI;
import java.util.Optional;

/**
 * A running {@code porte serve}: the store (migrated), the policy in force, the connection log and
 * the API. Thread-safe; {@link #close} stops the API, then closes the database.
 *
 * <p>Seams for what is wired in later: the gateway takes {@link #policyInForce()} (listen for
 * applies) and {@link #connectionLog()} (report each decided connection); the web console is
 * served by the API server from classpath resources.
 */
public final class PorteServer implements AutoCloseable {
  /** What a store with no policy starts from: the seed's host with every inbound door closed. */
  public static final String DEFAULT_POLICY =
      "# porte's safe default, stored on the first start: every inbound port is closed and\n"
          + "# everything may leave. Loopback traffic (this console on 127.0.0.1) is always allowed.\n"
          + "defaults: { inbound: deny, outbound: allow }\n"
          + "replies: filtered\n";

  /** Connection events waiting to be stored, at most; beyond that they are dropped and counted. */
  static final int QUEUE_CAPACITY = 10_000;

  public static final String DEFAULT_MESSAGE = "safe default on first start: inbound closed, outbound open";

  private final ServerConfig config;
  private final Database db;
  private final PolicyStore store;
  private final PolicyInForce live;
  private final ConnectionLog connectionLog;
  private final AsyncConnectionLog connectionWriter;
  private final AccessToken token;
  private final ApiServer api;
  private final boolean startedFromDefault;
  private final ServerMetrics metrics;
  private final ServingStatus serving;

  private PorteServer(
      ServerConfig config, Database db, PolicyStore store, PolicyInForce live, AsyncConnectionLog connectionWriter,
      ConnectionLog connectionLog, AccessToken token, ApiServer api, boolean startedFromDefault, ServerMetrics metrics,
      ServingStatus serving) {
    this.config = config;
    this.db = db;
    this.store = store;
    this.live = live;
    this.connectionWriter = connectionWriter;
    this.connectionLog = connectionLog;
    this.token = token;
    this.api = api;
    this.startedFromDefault = startedFromDefault;
    this.metrics = metrics;
    this.serving = serving;
  }

  public static PorteServer start(ServerConfig config) {
    Database db = Database.open(config.store());
    try {
      PolicyStore store = new PolicyStore(db, config.clock());
      Optional<AppliedPolicy> current = store.current();
      boolean fromDefault = current.isEmpty();
      AppliedPolicy applied = current.orElseGet(() -> store.saveAndApply("porte", DEFAULT_MESSAGE, DEFAULT_POLICY));
      AccessToken token = AccessToken.loadOrCreate(config.stateDirectory());
      ServerMetrics metrics = new ServerMetrics();
      metrics.inForce(applied.version().id());
      ConnectionLogStore logStore = new ConnectionLogStore(db, config.connectionLogCapacity());
      PolicyInForce live = PolicyInForce.of(applied);
      ServingStatus serving = new ServingStatus();
      Backend backend = new Backend(store, live, logStore, metrics, serving, token, config.clock());
      ApiServer api = ApiServer.start(backend, config.console().host(), config.console().port());
      AsyncConnectionLog writer = new AsyncConnectionLog(logStore::recordAll, QUEUE_CAPACITY, metrics::connectionDropped);
      return new PorteServer(
          config, db, store, live, writer, new MeteredConnectionLog(writer, metrics), token, api, fromDefault, metrics,
          serving);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** {@code http://127.0.0.1:9474/}, with the port really bound. */
  public URI url() {
    ConsoleAddress bound = new ConsoleAddress(config.console().host(), api.port());
    return URI.create("http://" + bound + "/");
  }

  /** Where the served gateway says what it could not listen on, for the health check and the console. */
  public ServingStatus serving() {
    return serving;
  }

  /** The meters behind {@code /metrics}; the served gateway adds its gauges here. */
  public ServerMetrics metrics() {
    return metrics;
  }

  public AccessToken token() {
    return token;
  }

  /** True when the store had no policy and this start stored and applied {@link #DEFAULT_POLICY}. */
  public boolean startedFromDefault() {
    return startedFromDefault;
  }

  public PolicyInForce policyInForce() {
    return live;
  }

  /**
   * Where the gateway reports connections: counted in the metrics at once, and stored (bounded)
   * in batches by a background thread, so that the caller never waits for the disk.
   */
  public ConnectionLog connectionLog() {
    return connectionLog;
  }

  /** Waits until every connection event reported so far is stored. */
  public void flushConnectionLog() throws InterruptedException {
    connectionWriter.flush();
  }

  public PolicyStore store() {
    return store;
  }

  public ServerConfig config() {
    return config;
  }

  @Override
  public void close() {
    try {
      api.close();
      connectionWriter.close();
    } finally {
      db.close();
    }
  }
}
