package dev.porte.cli;

import dev.porte.server.ConsoleAddress;
import dev.porte.gateway.Gateway;
import dev.porte.server.PorteServer;
import dev.porte.server.ServedGateway;
import picocli.CommandLine.Mixin;
import dev.porte.server.ServerConfig;
import dev.porte.server.store.AppliedPolicy;
import dev.porte.server.store.StoreLocation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code porte serve}: the gateway, the store, the REST API, the web console and the metrics in
 * one process, until it is stopped (Ctrl-C, SIGTERM, or an interrupt of the calling thread, as
 * the tests do). The gateway serves the policy in force and follows every version applied.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs porte as a service: the gateway on the policy in force, the policy history (an embedded",
      "SQLite database by default, or PostgreSQL), the web console and REST API, and Prometheus metrics.",
      "With no policy stored yet it starts from the safe default (inbound closed, outbound open)."
    },
    footer = {
      "",
      "Examples:",
      "  porte serve",
      "  porte serve --console 127.0.0.1:9474 --db /var/lib/porte/porte.db",
      "  porte serve --db 'jdbc:postgresql://db.example/porte?user=porte&password=...'",
      "",
      "Writes to the API need 'Authorization: Bearer <token>'. The token is made on the first start,",
      "printed once, and kept in STATE_DIR/api-token (mode 0600). Reads need no token from loopback.",
      "STATE_DIR is $XDG_STATE_HOME/porte, else ~/.local/state/porte."
    })
final class ServeCommand implements Callable<Integer> {
  /** What the gateway serves now; an applied version with other services changes it. */
  static void describeGateway(PrintWriter out, Gateway gateway) {
    if (gateway.policy().services().isEmpty()) {
      out.println("gateway: the policy in force defines no services, so no port is served yet (add services: and apply)");
      return;
    }
    GatewayCommand.printListeners(out, gateway, "gateway: ");
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--console",
      paramLabel = "HOST:PORT",
      description = "Where the API listens. Default: 127.0.0.1:9474 (loopback only).")
  @Nullable String console;

  @Option(
      names = "--db",
      paramLabel = "FILE|URL",
      description = "A SQLite file, or a jdbc:postgresql:// URL. Default: STATE_DIR/porte.db.")
  @Nullable String db;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the token file (and the default database) live.")
  @Nullable Path stateDir;

  @Mixin GatewayOptions gateway;

  @Override
  public Integer call() throws InterruptedException {
    GatewayOptions.servingDefaults();
    gateway.check(); // a bad gateway option is refused before the server opens its store
    ServerConfig config = ServerConfig.defaults(System.getenv());
    if (stateDir != null) {
      config = new ServerConfig(
          config.console(), StoreLocation.sqlite(stateDir.resolve("porte.db")), stateDir, config.clock(), config.connectionLogCapacity());
    }
    if (console != null) {
      config = config.withConsole(ConsoleAddress.parse(console));
    }
    if (db != null) {
      config = config.withStore(StoreLocation.parse(db));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ShutdownSignal shutdown = new ShutdownSignal("porte-serve-shutdown");
        PorteServer server = PorteServer.start(config);
        ServedGateway served = ServedGateway.start(server, gateway.builder(gateway.listen))) {
      AppliedPolicy applied = server.policyInForce().now().applied();
      out.println("porte serve: console at " + server.url() + " (API: " + server.url() + "api/, OpenAPI: " + server.url()
          + "api/openapi.json, metrics: " + server.url() + "metrics)");
      out.println("database: " + config.store().display());
      if (server.startedFromDefault()) {
        out.println("no policy was stored yet: serving the safe default (every inbound port closed, everything may leave) as version "
            + applied.version().id());
      } else {
        out.println("serving policy version " + applied.version().id() + " (" + applied.version().message() + ", applied by "
            + applied.appliedBy() + " at " + applied.appliedAt() + ")");
      }
      if (server.token().created()) {
        out.println("API token (shown this once; kept in " + server.token().file() + ", mode 0600): " + server.token().value());
      } else {
        out.println("API token: in " + server.token().file());
      }
      if (!config.console().isLoopback()) {
        err.println("porte: the API listens on " + config.console() + ", beyond this host; every request from elsewhere needs the token");
      }
      describeGateway(out, served.gateway());
      out.println("running; Ctrl-C stops");
      out.flush();
      try {
        shutdown.await(null);
        gateway.drain(served.gateway(), out, shutdown);
      } catch (InterruptedException e) {
        // The caller asked us to stop: a clean stop, not a failure.
      }
      return 0;
    }
  }
}
