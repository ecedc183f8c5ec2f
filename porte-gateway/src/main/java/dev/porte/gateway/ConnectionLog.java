package dev.porte.gateway;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.model.IpAddress;
import java.net.SocketAddress;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one-line-per-event log, on the logger {@code dev.porte.gateway.connections}:
 * key=value pairs that a person can read and a script can split. Stateless and thread-safe.
 *
 * <pre>
 * decision time=2026-11-24T03:40:00Z client=198.51.100.7:50312 port=80/tcp verdict=allow data=allow rule="porte.yaml line 6"
 * close time=... client=198.51.100.7:50312 port=80/tcp rule="porte.yaml line 6" bytes_in=78 bytes_out=612 duration_ms=4 reason=closed
 * </pre>
 */
final class ConnectionLog {
  static final Logger LOG = LoggerFactory.getLogger("dev.porte.gateway.connections");

  private ConnectionLog() {}

  static void decision(SocketAddress client, IpAddress source, IpAddress judged, ConnectionVerdict verdict) {
    if (!LOG.isInfoEnabled()) {
      return; // skip building the arguments: this runs for every connection
    }
    LOG.info(
        "decision time={} client={}{} port={} verdict={} data={} rule=\"{}\"",
        Instant.now(),
        AddressText.of(client),
        judged.equals(source) ? "" : " judged_as=" + judged,
        verdict.flow().portText(),
        verdict.open().action(),
        verdict.admitted() ? verdict.data().action() : "-",
        verdict.open().decidedBy());
  }

  static void limited(SocketAddress client, String port, String which, int limit) {
    LOG.warn("limit time={} client={} port={} verdict=reject reason=\"{} of {} reached\"", Instant.now(), AddressText.of(client), port, which, limit);
  }

  /** The close line of an admitted TCP connection; nothing is built when it would not be logged. */
  static void close(Connection c) {
    if (LOG.isInfoEnabled()) { // this runs for every connection: build the texts only when logged
      close(c.client.remoteAddress(), c.verdict().flow().portText(), c.verdict().open().decidedBy(), c.bytesIn(),
          c.bytesOut(), c.millis(), c.closeCause(), c.closeReason());
    }
  }

  static void close(SocketAddress client, String port, String rule, long in, long out, long millis, CloseCause cause,
      String reason) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(
        "close time={} client={} port={} rule=\"{}\" bytes_in={} bytes_out={} duration_ms={} cause={} reason=\"{}\"",
        Instant.now(), AddressText.of(client), port, rule, in, out, millis, cause.label(), reason);
  }


}
