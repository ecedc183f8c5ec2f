package dev.porte.gateway;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.Evaluator;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy compiled for the gateway: the engine and the services by port and protocol. The
 * gateway publishes a new snapshot through one volatile reference on reload, so a connection is
 * always decided against one whole policy, never half of two. Immutable and thread-safe.
 */
final class PolicySnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySnapshot.class);
  final Policy policy;
  final Evaluator engine;
  private final Map<Integer, ServiceBinding> tcp;
  private final Map<Integer, ServiceBinding> udp;
  private final Map<ServiceBinding, BackendAddresses> backends;
  /**
   * The backends whose name did not resolve at the last look although it had before: they keep
   * the address they had (as HAProxy holds its last answer), and the failure is said once.
   */
  private final Set<ServiceBinding> stale;

  private PolicySnapshot(Policy policy, Evaluator engine, Map<ServiceBinding, BackendAddresses> backends,
      Set<ServiceBinding> stale) {
    this.policy = policy;
    this.engine = engine;
    Map<Integer, ServiceBinding> t = new HashMap<>();
    Map<Integer, ServiceBinding> u = new HashMap<>();
    for (ServiceBinding binding : policy.services()) {
      if (binding.protocols().contains(Protocol.TCP)) {
        t.put(binding.port(), binding);
      }
      if (binding.protocols().contains(Protocol.UDP)) {
        u.put(binding.port(), binding);
      }
    }
    this.tcp = Map.copyOf(t);
    this.udp = Map.copyOf(u);
    this.backends = Map.copyOf(backends);
    this.stale = Set.copyOf(stale);
  }

  /**
   * Compiles {@code policy} and resolves its backends once, off the event loops: a lookup per
   * connection would block the loop (Netty's default resolver even does a reverse lookup). A name
   * that does not resolve is logged; its connections then fail fast as "backend unreachable" until
   * it resolves ({@link #reresolved}) and the rest is served.
   */
  static PolicySnapshot of(Policy policy, BackendResolver resolver) {
    return of(policy, resolver, Map.of());
  }

  /**
   * The snapshot of a reload to {@code policy}: as {@link #of}, but a backend that resolves to the
   * same addresses as now keeps which of them answered last, so a reload does not send clients
   * back to an address known dead.
   */
  PolicySnapshot reloaded(Policy policy, BackendResolver resolver) {
    Map<String, BackendAddresses> now = new HashMap<>();
    backends.forEach((binding, addresses) -> now.put(binding.backend(), addresses));
    return of(policy, resolver, now);
  }

  private static PolicySnapshot of(Policy policy, BackendResolver resolver, Map<String, BackendAddresses> before) {
    Map<ServiceBinding, BackendAddresses> resolved = new HashMap<>();
    for (ServiceBinding binding : policy.services()) {
      BackendAddresses address;
      try {
        // A literal address is only parsed (getByName looks nothing up for one).
        List<InetAddress> hosts = binding.backendByName() ? resolver.resolve(binding.backendHost())
            : List.of(InetAddress.getByName(binding.backendHost()));
        address = BackendAddresses.of(hosts, binding.backendPort());
        BackendAddresses was = before.get(binding.backend());
        if (was != null && was.sameAs(address)) {
          address = was;
        }
      } catch (UnknownHostException e) {
        LOG.error("backend {} of service {} does not resolve ({}); its clients are closed until it does (looked up "
            + "again in the background) or a reload changes it", binding.backend(), binding.port(), e.getMessage());
        address = BackendAddresses.unresolved(binding.backendHost(), binding.backendPort());
      }
      resolved.put(binding, address);
    }
    return new PolicySnapshot(policy, DecisionEngine.compile(policy), resolved, Set.of());
  }

  /**
   * This policy with the backends named by host name looked up again: a name that did not resolve
   * may now, and one that did may point elsewhere (a container restarted with a new address).
   * Literal addresses are not looked up. A name that stops resolving keeps its last address.
   * Returns {@code this} when nothing changed. Blocks on the lookups: call it off the event loops.
   */
  PolicySnapshot reresolved(BackendResolver resolver) {
    Map<ServiceBinding, BackendAddresses> next = new HashMap<>(backends);
    Set<ServiceBinding> nextStale = new HashSet<>(stale);
    boolean changed = false;
    for (ServiceBinding binding : policy.services()) {
      if (!binding.backendByName()) {
        continue;
      }
      BackendAddresses was = backends.get(binding);
      BackendAddresses now;
      try {
        now = BackendAddresses.of(resolver.resolve(binding.backendHost()), binding.backendPort());
      } catch (UnknownHostException e) {
        if (was != null && !was.isUnresolved() && nextStale.add(binding)) {
          LOG.warn("backend {} of service {} no longer resolves ({}); its last {} kept", binding.backend(),
              binding.port(), e.getMessage(), was.size() == 1 ? "address " + was.hosts() + " is" : "addresses " + was.hosts()
                  + " are");
          changed = true;
        }
        continue;
      }
      boolean wasStale = nextStale.remove(binding);
      if (was == null || was.isUnresolved()) {
        LOG.info("backend {} of service {} resolves now, to {}: its clients are relayed again", binding.backend(),
            binding.port(), now.hosts());
      } else if (!was.sameAs(now)) {
        LOG.info("backend {} of service {} now resolves to {} (was {}): new connections go there", binding.backend(),
            binding.port(), now.hosts(), was.hosts());
      } else {
        // The same addresses, maybe in another order (a round robin rotates it): keep the old
        // ones, with the address that answered last still first.
        if (wasStale) {
          LOG.info("backend {} of service {} resolves again, to the same {}", binding.backend(), binding.port(),
              was.hosts());
          changed = true;
        }
        continue;
      }
      next.put(binding, now);
      changed = true;
    }
    return changed ? new PolicySnapshot(policy, engine, next, nextStale) : this;
  }

  /** Whether any backend is named by host name, so that looking it up again can change something. */
  boolean namesBackends() {
    return policy.services().stream().anyMatch(ServiceBinding::backendByName);
  }

  /** The backend's addresses as last resolved; unresolved when its name has not resolved yet. */
  BackendAddresses backend(ServiceBinding binding) {
    BackendAddresses address = backends.get(binding);
    if (address == null) {
      throw new IllegalArgumentException("not a service of this policy: " + binding);
    }
    return address;
  }

  @Nullable ServiceBinding service(Protocol protocol, int port) {
    return (protocol == Protocol.UDP ? udp : tcp).get(port);
  }

  Map<Integer, ServiceBinding> services(Protocol protocol) {
    return protocol == Protocol.UDP ? udp : tcp;
  }
}
