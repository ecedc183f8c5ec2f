package dev.porte.server.api;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.ReferenceEvaluator;
import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.DurationText;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ProxyHeader;
import dev.porte.core.model.Rule;
import dev.porte.core.model.ServiceBinding;
import dev.porte.gateway.UnresolvedBackend;
import dev.porte.gateway.Unserved;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The seed's picture of a host, for the console: its doors (the ports it serves or that a rule
 * opens), whether each stands open to anyone on the internet, to some networks only, or not at
 * all, and whether data may leave through it towards a client. Verdicts come from the reference
 * evaluator, so the picture never disagrees with {@code check}.
 */
final class Doors {
  /** Stands for "anyone on the internet": an address no policy is likely to name (RFC 5737). */
  private static final IpAddress ANYONE = IpAddress.parse("198.51.100.1");
  private static final int MAX_DOORS = 48;
  /** Ranges wider than this are not drawn port by port. */
  private static final int MAX_RANGE = 8;

  private Doors() {}

  /**
   * The doors of {@code policy}; those in {@code unserved}, and those whose backend is in {@code
   * unresolved}, say that no one answers at them.
   */
  static List<Object> of(Policy policy, List<Unserved> unserved, List<UnresolvedBackend> unresolved) {
    Map<String, Door> doors = new TreeMap<>();
    for (ServiceBinding service : policy.services()) {
      for (Protocol protocol : service.protocols()) {
        Door door = doors.computeIfAbsent(key(protocol, service.port()), k -> new Door(protocol, service.port()));
        door.service = service.backend();
        door.proxy = service.proxy() == ProxyHeader.NONE ? null : service.proxy().toString();
        door.idle = service.idle() == null ? null : DurationText.format(service.idle());
        door.maxConnections = protocol == Protocol.TCP ? service.maxConnections() : null;
        door.connectTimeout = protocol != Protocol.TCP || service.connectTimeout() == null ? null
            : DurationText.format(service.connectTimeout());
        door.retries = protocol == Protocol.TCP ? service.retries() : null;
      }
    }
    for (Unserved u : unserved) {
      Door door = doors.get(key(u.protocol(), u.servicePort()));
      if (door != null) {
        door.notServed.add(u.address() + ": " + u.reason());
      }
    }
    for (UnresolvedBackend u : unresolved) {
      Door door = doors.get(key(u.protocol(), u.servicePort()));
      if (door != null) {
        door.notServed.add("backend " + u.backend() + " does not resolve: each client is closed until it does");
      }
    }
    for (Rule rule : policy.rules(Direction.INBOUND)) {
      if (!rule.enabled() || rule.action() != Action.ALLOW) {
        continue;
      }
      for (PortSpec spec : rule.ports()) {
        if (spec.protocol().hasPorts() && spec.range().size() <= MAX_RANGE) {
          for (int port = spec.range().lo(); port <= spec.range().hi(); port++) {
            int p = port;
            doors.computeIfAbsent(key(spec.protocol(), port), k -> new Door(spec.protocol(), p));
          }
        }
      }
    }
    ReferenceEvaluator evaluator = new ReferenceEvaluator(policy);
    List<Object> list = new ArrayList<>();
    for (Door door : doors.values()) {
      if (list.size() == MAX_DOORS) {
        break;
      }
      list.add(door.describe(policy, evaluator));
    }
    return list;
  }

  private static String key(Protocol protocol, int port) {
    return String.format("%05d/%s", port, protocol);
  }

  private static final class Door {
    final Protocol protocol;
    final int port;
    String service;
    /** The PROXY protocol header sent to the backend ({@code v1}, {@code v2}), or null for none. */
    String proxy;
    /** The service's own idle timeout ({@code 8h}), or null where the gateway's applies. */
    String idle;
    /** The service's own cap on concurrent TCP connections, or null for none. */
    Integer maxConnections;
    /** The service's own connect timeout ({@code 300ms}), or null where the gateway's applies. */
    String connectTimeout;
    /** The service's own number of backend dial retries, or null where the gateway's applies. */
    Integer retries;
    /** The addresses the gateway could not listen on for this door, with why. */
    final List<String> notServed = new ArrayList<>();

    Door(Protocol protocol, int port) {
      this.protocol = protocol;
      this.port = port;
    }

    Map<String, Object> describe(Policy policy, ReferenceEvaluator evaluator) {
      ConnectionVerdict anyone = evaluator.connect(Flow.inbound(protocol, port, ANYONE));
      List<String> openTo = new ArrayList<>();
      for (Rule rule : policy.rules(Direction.INBOUND)) {
        if (rule.enabled() && rule.action() == Action.ALLOW && !rule.isAnywhere() && rule.matchesPort(protocol, port)) {
          openTo.add(rule.remotesText());
        }
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("port", port);
      json.put("protocol", protocol.toString());
      json.put("service", service);
      json.put("proxy", proxy);
      json.put("idle", idle);
      json.put("maxConnections", maxConnections);
      json.put("connectTimeout", connectTimeout);
      json.put("retries", retries);
      json.put("notServed", notServed);
      json.put("inbound", anyone.open().action().toString());
      json.put("decidedBy", anyone.open().decidedBy());
      json.put("openTo", anyone.admitted() ? List.of("anyone") : openTo);
      json.put("repliesLeave", anyone.admitted() ? anyone.data().allowed() : null);
      json.put("repliesDecidedBy", anyone.admitted() ? anyone.data().decidedBy() : null);
      return json;
    }
  }
}
