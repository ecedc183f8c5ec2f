package dev.porte.gateway;

import dev.porte.core.model.IpAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The live TCP connections, with the caps on how many one source and everyone together may hold.
 * A slot is taken by {@link #tryAcquire} before the backend is dialled and given back exactly once
 * when the client channel closes. Thread-safe: event loops admit and release concurrently.
 */
final class ConnectionTracker {
  /** Why {@link #tryAcquire} said no, or {@code null} when it said yes. */
  enum Refusal {
    GLOBAL("the global connection limit"),
    PER_SOURCE("the per-source connection limit");

    final String text;

    Refusal(String text) {
      this.text = text;
    }
  }

  private final int maxTotal;
  private final int maxPerSource;
  private final AtomicInteger total = new AtomicInteger();
  // Integer values changed only inside compute(), which is atomic per key in ConcurrentHashMap.
  private final Map<IpAddress, Integer> perSource = new ConcurrentHashMap<>();
  private final Set<Connection> live = ConcurrentHashMap.newKeySet();

  ConnectionTracker(int maxTotal, int maxPerSource) {
    this.maxTotal = maxTotal;
    this.maxPerSource = maxPerSource;
  }

  @Nullable Refusal tryAcquire(IpAddress source) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return Refusal.GLOBAL;
    }
    boolean[] over = new boolean[1];
    perSource.compute(source, (k, v) -> {
      int n = v == null ? 0 : v;
      over[0] = n >= maxPerSource;
      return over[0] ? v : Integer.valueOf(n + 1);
    });
    if (over[0]) {
      total.decrementAndGet();
      return Refusal.PER_SOURCE;
    }
    return null;
  }

  void release(IpAddress source) {
    total.decrementAndGet();
    // Remove the entry when it reaches zero so that a scan from many addresses leaves no residue.
    perSource.computeIfPresent(source, (k, v) -> v <= 1 ? null : Integer.valueOf(v - 1));
  }

  int open() {
    return total.get();
  }

  void add(Connection connection) {
    live.add(connection);
  }

  void remove(Connection connection) {
    live.remove(connection);
  }

  Set<Connection> live() {
    return live;
  }

  int limit(Refusal refusal) {
    return refusal == Refusal.GLOBAL ? maxTotal : maxPerSource;
  }
}
