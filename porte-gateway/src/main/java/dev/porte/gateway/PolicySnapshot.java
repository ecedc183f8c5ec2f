package dev.porte.gateway;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.Evaluator;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One policy compiled for the gateway: the engine and the services by port and protocol. The
 * gateway publishes a new snapshot through one volatile reference on reload, so a connection is
 * always decided against one whole policy, never half of two. Immutable and thread-safe.
 */
final class PolicySnapshot {
  final Policy policy;
  final Evaluator engine;
  private final Map<Integer, ServiceBinding> tcp;
  private final Map<Integer, ServiceBinding> udp;

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
