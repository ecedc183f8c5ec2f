package dev.porte.gateway;

import dev.porte.core.model.DurationText;
import dev.porte.core.model.ServiceBinding;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes TCP connections that have moved no data either way for their idle timeout: their
 * service's ({@code idle:} in the policy), else the gateway's. A connection quiet for the
 * keepalive time has keepalive turned on for its backend's socket ({@link TcpKeepalive}), once.
 *
 * <p>Each I/O thread sweeps the connections it owns four times a second (more often only for a
 * gateway timeout under a second), instead of a timer per connection: Netty's IdleStateHandler
 * schedules and cancels a task per connection and, to see writes, turns every write's void
 * promise into a real one with a listener, which the benchmark measured at 2 to 3% of the
 * gateway's CPU at 9,000 connections a second. A connection may so live up to one sweep period
 * longer than its timeout. Walking the connections is cheap next to that: at 10,000 connections,
 * 40,000 comparisons a second.
 *
 * <p>Thread-safety: a connection is added, removed and swept only on its client channel's event
 * loop, so each loop's set is confined to that loop's thread.
 */
final class IdleSweeper {
  /**
   * Backend sockets given keepalive in one sweep, at most: four system calls each, and tens of
   * thousands of connections that went quiet together (after a burst) would hold the event loop
   * for a fifth of a second. The rest get theirs at the next sweep.
   */
  static final int PROBES_SET_PER_SWEEP = 1024;

  private final Duration defaultIdle;
  private final TcpKeepalive keepalive;
  private final long probeBackendAfterNanos;
  private final LongSupplier ticker;
  private final long periodMillis;
  // One set per event loop, made (and its sweep started) the first time the loop admits a
  // connection; the map itself is shared by the loops, each set is not.
  private final Map<EventExecutor, Set<Connection>> byLoop = new ConcurrentHashMap<>();

  /**
   * {@code idleMillis}: the timeout of connections whose service sets none; {@code keepalive}: the
   * probes a backend's socket gets once its connection has been quiet that long.
   */
  IdleSweeper(long idleMillis, TcpKeepalive keepalive, LongSupplier ticker) {
    this.defaultIdle = Duration.ofMillis(idleMillis);
    this.keepalive = keepalive;
    this.probeBackendAfterNanos = keepalive.on() ? keepalive.idle().toNanos() : Long.MAX_VALUE;
    this.ticker = ticker;
    this.periodMillis = Math.max(10, Math.min(250, idleMillis / 4));
  }

  /** The timeout of {@code service}'s connections, in nanoseconds. */
  long idleNanos(ServiceBinding service) {
    return service.idleOr(defaultIdle).toNanos();
  }

  /** On the connection's event loop, once it is admitted. */
  void add(Connection c) {
    c.idleNanos(idleNanos(c.service));
    c.touch(ticker.getAsLong());
    owned(c).add(c);
  }

  /** On the connection's event loop, once its client channel has closed. */
  void remove(Connection c) {
    owned(c).remove(c);
  }

  /** Data moved on {@code c}: on its event loop. */
  void touch(Connection c) {
    c.touch(ticker.getAsLong());
  }

  private Set<Connection> owned(Connection c) {
    return byLoop.computeIfAbsent(c.client.eventLoop(), this::startSweeping);
  }

  private Set<Connection> startSweeping(EventExecutor loop) {
    Set<Connection> owned = new HashSet<>();
    loop.scheduleAtFixedRate(() -> sweep(owned), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return owned;
  }

  /** One sweep of one event loop's connections: on that loop (tests call it directly). */
  void sweep(Set<Connection> owned) {
    long now = ticker.getAsLong();
    List<Connection> idle = new ArrayList<>();
    int probesLeft = PROBES_SET_PER_SWEEP;
    for (Connection c : owned) {
      long quiet = now - c.lastActivity();
      if (quiet >= c.idleNanos()) {
        idle.add(c);
      } else if (quiet >= probeBackendAfterNanos && probesLeft > 0 && c.probeBackend(keepalive)) {
        probesLeft--;
      }
    }
    // Closed after the walk: a close removes the connection from the set being walked.
    idle.forEach(c -> c.close(CloseCause.IDLE, "idle for " + DurationText.format(Duration.ofNanos(c.idleNanos()))));
  }
}
