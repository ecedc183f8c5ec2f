package dev.porte.gateway;

import dev.porte.core.model.BackendLoops;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Finds the services whose backend leads back into the gateway itself: {@code 80: { to:
 * 127.0.0.1:80 }} on a gateway that listens on 80, or 80 to 81 and 81 to 80. Served, every
 * connection to such a port would dial the gateway again, that connection dial it again, and so on
 * until the connection cap or the open-file limit stops the storm: before this check, one curl to
 * such a port wrote two thousand log lines in four seconds. The gateway does not listen for them
 * and says why instead.
 *
 * <p>A chain that ends (80 to the gateway's own 81, 81 to a real server) is not a loop: it costs a
 * second relay, not the host. A listener on port 0 (a free port chosen at bind) cannot be known
 * beforehand and is never part of a loop. Immutable and thread-safe.
 */
final class ServiceLoops {
  private static final InetAddress LOOPBACK_V4 = literal(new byte[] {127, 0, 0, 1});
  private static final InetAddress LOOPBACK_V6 = literal(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  private final IntUnaryOperator listenPort;
  private final List<InetAddress> bind;
  private final Predicate<InetAddress> local;

  /**
   * @param listenPort the port a service is listened on (its own, or shifted by an offset)
   * @param bind the addresses listened on; empty means the dual-stack wildcard, every address
   * @param local whether an address is one of this host's (a connection to it stays here)
   */
  ServiceLoops(IntUnaryOperator listenPort, List<InetAddress> bind, Predicate<InetAddress> local) {
    this.listenPort = listenPort;
    this.bind = List.copyOf(bind);
    this.local = local;
  }

  /**
   * The services of one protocol that are on a loop, by service port, each with one sentence of
   * why; empty when none is.
   */
  Map<Integer, String> find(Protocol protocol, Map<Integer, ServiceBinding> services,
      Function<ServiceBinding, InetSocketAddress> backend) {
    Map<Integer, String> loops = new LinkedHashMap<>();
    BackendLoops.find(services.values(), from -> nextHop(from, services, backend)).forEach(
        (start, path) -> loops.put(start.port(), why(protocol, path, backend.apply(start))));
    return loops;
  }

  /** The service whose listener {@code from}'s backend reaches, if it is one of the gateway's. */
  private @Nullable ServiceBinding nextHop(ServiceBinding from, Map<Integer, ServiceBinding> services,
      Function<ServiceBinding, InetSocketAddress> backend) {
    InetSocketAddress to = backend.apply(from);
    if (to.isUnresolved()) {
      return null;
    }
    for (ServiceBinding candidate : services.values()) {
      int port = listenPort.applyAsInt(candidate.port());
      if (port != 0 && port == to.getPort() && accepts(to.getAddress())) {
        return candidate;
      }
    }
    return null;
  }

  /** Whether a connection to {@code target} arrives at one of the gateway's listen addresses. */
  private boolean accepts(InetAddress target) {
    if (bind.isEmpty()) {
      return local.test(target); // the dual-stack wildcard takes IPv4 and IPv6 alike
    }
    for (InetAddress listening : bind) {
      if (listening.isAnyLocalAddress()) {
        // 0.0.0.0 takes IPv4 only; :: (dual-stack) takes both.
        if ((!(listening instanceof Inet4Address) || target instanceof Inet4Address) && local.test(target)) {
          return true;
        }
      } else if (listening.equals(target) || target.isAnyLocalAddress() && listening.equals(loopback(target))) {
        // Linux takes a connection to 0.0.0.0 (or ::) for one to 127.0.0.1 (or ::1).
        return true;
      }
    }
    return false;
  }

  private static InetAddress loopback(InetAddress family) {
    return family instanceof Inet4Address ? LOOPBACK_V4 : LOOPBACK_V6;
  }

  private static String why(Protocol protocol, List<ServiceBinding> path, InetSocketAddress backend) {
    ServiceBinding start = path.get(0);
    String to = AddressText.of(backend);
    String storm = (protocol == Protocol.UDP ? "every datagram would be relayed to the gateway again"
        : "every connection would dial the gateway again") + ", without end (point 'to:' at the service itself)";
    if (path.size() == 1) {
      return "its backend " + to + " is this very listener: " + storm;
    }
    StringBuilder cycle = new StringBuilder();
    for (ServiceBinding hop : path) {
      cycle.append(hop.port()).append('/').append(protocol).append(" -> ");
    }
    cycle.append(start.port()).append('/').append(protocol);
    return "its backend " + to + " is the gateway's own listener for " + path.get(1).port() + "/" + protocol
        + ", and the backends lead round in a loop (" + cycle + "): " + storm;
  }

  private static InetAddress literal(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an address", e);
    }
  }

  /**
   * Whether a connection to {@code address} stays on this host: loopback, the wildcard (which
   * Linux takes for loopback) or an address of one of its interfaces.
   */
  static boolean isThisHost(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false; // the interfaces cannot be read: assume a remote host, as before this check
    }
  }
}
