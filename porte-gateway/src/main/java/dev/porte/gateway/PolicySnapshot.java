package dev.porte.gateway;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.Evaluator;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
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
  private final Map<ServiceBinding, InetSocketAddress> backends;

  private PolicySnapshot(Policy policy) {
    this.policy = policy;
    this.engine = DecisionEngine.compile(policy);
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
    Map<ServiceBinding, InetSocketAddress> resolved = new HashMap<>();
    for (ServiceBinding binding : policy.services()) {
      resolved.put(binding, resolve(binding));
    }
    this.backends = Map.copyOf(resolved);
  }

  /**
   * Resolves a backend once, at load, off the event loops: a lookup per connection would block
   * the loop (Netty's default resolver even does a reverse lookup). A name that does not resolve
   * is logged; its connections then fail fast as "backend unreachable" and the rest is served.
   */
  private static InetSocketAddress resolve(ServiceBinding binding) {
    try {
      return new InetSocketAddress(InetAddress.getByName(binding.backendHost()), binding.backendPort());
    } catch (UnknownHostException e) {
      LOG.error("backend {} of service {} does not resolve ({}); its clients will be closed until a reload fixes it",
          binding.backend(), binding.port(), e.getMessage());
      return InetSocketAddress.createUnresolved(binding.backendHost(), binding.backendPort());
    }
  }

  InetSocketAddress backend(ServiceBinding binding) {
    InetSocketAddress address = backends.get(binding);
    return address != null ? address : resolve(binding);
  }

  static PolicySnapshot of(Policy policy) {
    return new PolicySnapshot(policy);
  }

  @Nullable ServiceBinding service(Protocol protocol, int port) {
    return (protocol == Protocol.UDP ? udp : tcp).get(port);
  }

  Map<Integer, ServiceBinding> services(Protocol protocol) {
    return protocol == Protocol.UDP ? udp : tcp;
  }
}
