package dev.porte.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Every address a service's backend resolved to, and which of them new connections dial first. A
 * name with several addresses (DNS round robin, a Kubernetes headless service, a dual-stack host)
 * is served while any of them answers: a dial that fails moves on to the next address at once, and
 * the first to answer is where later connections start, so one dead address costs one failed dial
 * rather than one per connection. nginx moves on the same way ({@code proxy_next_upstream}); HAProxy
 * takes the first address only. The addresses are fixed; only the preference moves, atomically.
 */
final class BackendAddresses {
  private final List<InetSocketAddress> all;
  private final AtomicInteger preferred = new AtomicInteger();

  private BackendAddresses(List<InetSocketAddress> all) {
    if (all.isEmpty()) {
      throw new IllegalArgumentException("a backend needs at least one address");
    }
    this.all = List.copyOf(all);
  }

  /** The addresses a lookup gave, in its order, each with {@code port}. */
  static BackendAddresses of(List<InetAddress> hosts, int port) {
    return new BackendAddresses(hosts.stream().map(h -> new InetSocketAddress(h, port)).toList());
  }

  /** A name that has not resolved: dials fail at once until it does. */
  static BackendAddresses unresolved(String host, int port) {
    return new BackendAddresses(List.of(InetSocketAddress.createUnresolved(host, port)));
  }

  boolean isUnresolved() {
    return all.get(0).isUnresolved();
  }

  int size() {
    return all.size();
  }

  /** Where a new connection dials first: the address that answered last. */
  int preferred() {
    return preferred.get();
  }

  /** The {@code step}th address to try from {@code start}, round the list. */
  InetSocketAddress at(int start, int step) {
    return all.get(Math.floorMod(start + step, all.size()));
  }

  /** The address new connections dial first (UDP sessions use it alone: a datagram has no failed dial). */
  InetSocketAddress first() {
    return at(preferred(), 0);
  }

  /**
   * {@code index} answered after the one preferred as {@code expected} failed: start there from now
   * on. Returns whether this call moved the preference (so that only one of many connections that
   * saw the same failure says so).
   */
  boolean prefer(int expected, int index) {
    int to = Math.floorMod(index, all.size());
    return to != expected && preferred.compareAndSet(expected, to);
  }

  /** Whether a lookup gave the same addresses, in any order: resolvers rotate the order of a round robin. */
  boolean sameAs(BackendAddresses other) {
    return all.size() == other.all.size() && new HashSet<>(all).equals(new HashSet<>(other.all));
  }

  /** {@code 192.0.2.10, 192.0.2.11}: the host addresses, for the log. */
  String hosts() {
    return all.stream().map(a -> a.isUnresolved() ? a.getHostString() : a.getAddress().getHostAddress())
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return hosts() + " port " + all.get(0).getPort();
  }
}
