package dev.porte.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The open TCP connections of each service port, against the service's own cap
 * ({@code max_connections} in the policy). Every service is counted, capped or not, so that a cap a
 * reload sets counts the connections already open. A reload that lowers a cap closes nothing: the
 * connections over it carry on, and new ones wait for the count to fall below it, as HAProxy treats
 * a lowered {@code maxconn}. Thread-safe: event loops admit and release concurrently.
 */
final class ServiceCaps {
  private final Map<Integer, AtomicInteger> open = new ConcurrentHashMap<>();

  /** Takes a slot of {@code port}'s service, unless {@code max} (null: no cap) are open already. */
  boolean tryAcquire(int port, @Nullable Integer max) {
    AtomicInteger count = open.computeIfAbsent(port, p -> new AtomicInteger());
    if (count.incrementAndGet() > (max == null ? Integer.MAX_VALUE : max)) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back the slot a connection of {@code port}'s service took. */
  void release(int port) {
    AtomicInteger count = open.get(port);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** The open connections of {@code port}'s service. */
  int open(int port) {
    AtomicInteger count = open.get(port);
    return count == null ? 0 : count.get();
  }
}
