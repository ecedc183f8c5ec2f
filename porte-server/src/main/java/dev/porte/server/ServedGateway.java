package dev.porte.server;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.model.Flow;
import dev.porte.gateway.ConnectionRecord;
import dev.porte.gateway.Gateway;
import dev.porte.gateway.GatewayConfig;
import dev.porte.gateway.GatewayMetrics;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.connections.ConnectionLog;
import dev.porte.server.metrics.ServerMetrics;
import java.util.function.Consumer;

/**
 * The gateway as {@code porte serve} runs it: started on the policy in force, reloaded whenever
 * another version is applied (through the API or the console), and feeding every decided
 * connection into the server's connection log and metrics.
 *
 * <p>Thread-safety: reloads arrive on the thread that applied the version; the gateway swaps its
 * compiled policy atomically. Connection records arrive on the gateway's event loops and go to a
 * log that never blocks them.
 */
public final class ServedGateway implements AutoCloseable {
  private final PorteServer server;
  private final Gateway gateway;
  private final Consumer<PolicyInForce.Snapshot> reload;

  private ServedGateway(PorteServer server, Gateway gateway) {
    this.server = server;
    this.gateway = gateway;
    this.reload = snapshot -> gateway.reload(snapshot.policy());
  }

  /** Starts the gateway for {@code server}; {@code config} says where it listens and its limits. */
  public static ServedGateway start(PorteServer server, GatewayConfig.Builder config) {
    ConnectionLog log = server.connectionLog();
    GatewayConfig withLog = config.listener(record -> log.record(event(server, record))).build();
    Gateway gateway = Gateway.start(server.policyInForce().now().policy(), withLog);
    ServedGateway served = new ServedGateway(server, gateway);
    server.metrics().gauge("porte.connections.open", "Connections the gateway relays now", gateway::openConnections);
    server.metrics().gauge("porte.udp.sessions", "UDP sessions the gateway holds now", gateway::udpSessions);
    // The caps beside the counts, so that an alert can say "90% of the cap" whatever set the cap.
    server.metrics().gauge("porte.connections.max", "The cap on connections (--max-connections, or the open-file limit)",
        () -> withLog.maxConnections());
    server.metrics().gauge("porte.udp.sessions.max", "The cap on UDP sessions (--max-udp-sessions, or the open-file limit)",
        () -> withLog.maxUdpSessions());
    // Alert on it: a service whose port another program holds is not served until a reload finds it free.
    server.metrics().gauge(ServerMetrics.UNSERVED_LISTENERS, "Service addresses the gateway could not listen on",
        () -> gateway.notServed().size());
    // Admitted by the policy, refused by --max-connections, --max-per-source or --max-udp-sessions:
    // not decided connections, so not in the connection log.
    server.metrics().counter("porte.connections.limited", "Connections and UDP sessions refused by a connection cap",
        gateway.metrics(), GatewayMetrics::limited);
    // A backend that refuses now and then (restarting, or at its own limit) shows here before its clients complain.
    server.metrics().counter("porte.backend.retries", "Backend dials made again after one was refused or timed out "
        + "(--connect-retries)", gateway.metrics(), GatewayMetrics::backendRetries);
    server.serving().attach(gateway::unserved, gateway::unresolvedBackends, gateway::load);
    server.policyInForce().onChange(served.reload);
    return served;
  }

  private static ConnectionEvent event(PorteServer server, ConnectionRecord record) {
    ConnectionVerdict verdict = record.verdict();
    Flow flow = verdict.flow();
    return ConnectionEvent.of(
        server.config().clock().instant(),
        flow.direction(),
        flow.protocol(),
        flow.remote(),
        flow.port(),
        verdict.open().action(),
        verdict.open().decidedBy(),
        record.bytesIn(),
        record.bytesOut(),
        record.ended() == null ? null : record.ended().label());
  }

  public Gateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    server.policyInForce().removeListener(reload);
    server.serving().detach();
    gateway.close();
  }
}
