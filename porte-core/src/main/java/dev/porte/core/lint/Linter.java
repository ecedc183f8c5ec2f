package dev.porte.core.lint;

import dev.porte.core.engine.ReferenceEvaluator;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Action;
import dev.porte.core.model.BackendLoops;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import dev.porte.core.model.ServiceBinding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds where a policy contradicts itself or exposes what it should not. Verdicts are asked of
 * the {@link ReferenceEvaluator}, so a warning never disagrees with what {@code check} says.
 * Stateless and thread-safe.
 */
public final class Linter {
  /** An address on the internet that no rule names, standing for "anyone" (RFC 5737, RFC 3849). */
  private static final IpAddress SOMEONE_V4 = IpAddress.parse("198.51.100.1");
  private static final IpAddress SOMEONE_V6 = IpAddress.parse("2001:db8:ffff::1");
  /** Ranges larger than this are reported as a whole, not port by port. */
  private static final int LISTED_PORTS = 16;

  private final List<SensitivePort> sensitivePorts;

  public Linter(List<SensitivePort> sensitivePorts) {
    this.sensitivePorts = List.copyOf(sensitivePorts);
  }

  public List<LintWarning> lint(Policy policy) {
    ReferenceEvaluator evaluator = new ReferenceEvaluator(policy);
    List<LintWarning> warnings = new ArrayList<>();
    List<Rule> enabled = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      if (rule.enabled()) {
        enabled.add(rule);
      }
    }
    for (Rule rule : enabled) {
      coverage(rule, enabled, warnings);
    }
    for (Rule rule : enabled) {
      if (rule.direction() == Direction.INBOUND && rule.action() == Action.ALLOW) {
        replies(rule, policy, evaluator, warnings);
        exposure(rule, evaluator, warnings);
        services(rule, policy, warnings);
      }
    }
    closedServices(policy, enabled, warnings);
    loops(policy, warnings);
    warnings.sort(Comparator.comparingInt((LintWarning w) -> w.location().line()).thenComparing(LintWarning::kind));
    return List.copyOf(warnings);
  }

  /** Duplicates and rules wholly covered by one rule that wins over them. */
  private static void coverage(Rule rule, List<Rule> enabled, List<LintWarning> warnings) {
    for (Rule other : enabled) {
      if (other == rule || other.direction() != rule.direction() || Rule.PRECEDENCE.compare(other, rule) >= 0) {
        continue;
      }
      if (!covers(other, rule)) {
        continue;
      }
      boolean duplicate = covers(rule, other) && other.action() == rule.action() && other.priority() == rule.priority();
      if (duplicate) {
        warnings.add(new LintWarning(
            LintWarning.Kind.DUPLICATE,
            rule.location(),
            rule.label() + " duplicates " + where(other) + "; remove one of them"));
      } else {
        warnings.add(new LintWarning(
            LintWarning.Kind.SHADOWED,
            rule.location(),
            rule.label() + " can never decide: " + other.label() + " matches everything it matches and wins over it ("
                + why(other, rule) + ")"));
      }
      return;
    }
  }

  private static String why(Rule winner, Rule loser) {
    if (winner.priority() < loser.priority()) {
      return "priority " + winner.priority() + " before " + loser.priority();
    }
    if (winner.action().blocks() && !loser.action().blocks()) {
      return "equal priority, and a block beats an allow";
    }
    return "equal priority and action, and it comes first";
  }

  /** True when every flow {@code inner} matches, {@code outer} matches too. */
  static boolean covers(Rule outer, Rule inner) {
    for (PortSpec spec : inner.ports()) {
      if (!coversPorts(outer.ports(), spec)) {
        return false;
      }
    }
    if (outer.isAnywhere()) {
      return true;
    }
    List<Cidr> innerRemotes = inner.isAnywhere() ? List.of(Cidr.ANY_V4, Cidr.ANY_V6) : inner.remotes();
    for (Cidr cidr : innerRemotes) {
      boolean covered = false;
      for (Cidr candidate : outer.remotes()) {
        covered |= candidate.contains(cidr);
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  /** True when the union of {@code specs} of the same protocol contains {@code spec}'s range. */
  private static boolean coversPorts(List<PortSpec> specs, PortSpec spec) {
    List<PortRange> ranges = new ArrayList<>();
    for (PortSpec candidate : specs) {
      if (candidate.protocol() == spec.protocol()) {
        ranges.add(candidate.range());
      }
    }
    ranges.sort(Comparator.comparingInt(PortRange::lo));
    int next = spec.range().lo();
    for (PortRange range : ranges) {
      if (range.lo() > next) {
        break;
      }
      if (range.hi() >= next) {
        if (range.hi() >= spec.range().hi()) {
          return true;
        }
        next = range.hi() + 1;
      }
    }
    return false;
  }

  /**
   * Filtered mode: the data leaving on an inbound connection is governed by the outbound verdict
   * for the client and the local port. Probe the points where an outbound rule could bite.
   */
  private static void replies(Rule rule, Policy policy, ReferenceEvaluator evaluator, List<LintWarning> warnings) {
    for (PortSpec spec : rule.ports()) {
      if (!spec.protocol().hasPorts()) {
        continue;
      }
      for (int port : probePorts(spec, policy)) {
        for (IpAddress client : probeClients(rule, policy)) {
          Flow in = Flow.inbound(spec.protocol(), port, client);
          Decision admitted = evaluator.decide(in);
          if (admitted.rule() != rule) {
            continue;
          }
          Decision out = evaluator.decide(new Flow(Direction.OUTBOUND, spec.protocol(), client, port));
          if (out.allowed()) {
            continue;
          }
          String blocker = out.basis() == Decision.Basis.RULE ? out.rule().label() : "the outbound default (" + out.action() + ")";
          // The stand-in for "anyone" is not a client worth naming.
          String replies = client.equals(SOMEONE_V4) || client.equals(SOMEONE_V6) ? "its replies" : "its replies to " + client;
          if (policy.replies() == ReplyMode.FILTERED) {
            warnings.add(new LintWarning(
                LintWarning.Kind.REPLIES_BLOCKED,
                rule.location(),
                "inbound " + in.portText() + " is allowed but in filtered mode " + replies + " are "
                    + out.action().pastTense() + " by " + blocker + ": clients will connect and receive nothing"));
          } else {
            warnings.add(new LintWarning(
                LintWarning.Kind.REPLIES_UNFILTERED,
                rule.location(),
                "inbound " + in.portText() + " is allowed and in stateful mode " + replies + " leave, although " + blocker
                    + " would block them in filtered mode"));
          }
          return;
        }
      }
    }
  }

  private static Set<Integer> probePorts(PortSpec spec, Policy policy) {
    Set<Integer> ports = new LinkedHashSet<>();
    ports.add(spec.range().lo());
    for (Rule out : policy.rules(Direction.OUTBOUND)) {
      for (PortSpec outSpec : out.ports()) {
        if (outSpec.overlaps(spec)) {
          ports.add(Math.max(spec.range().lo(), outSpec.range().lo()));
        }
      }
    }
    return ports;
  }

  private static Set<IpAddress> probeClients(Rule rule, Policy policy) {
    Set<IpAddress> clients = new LinkedHashSet<>();
    List<Cidr> mine = rule.isAnywhere() ? List.of(Cidr.ANY_V4, Cidr.ANY_V6) : rule.remotes();
    for (Cidr cidr : mine) {
      IpAddress sample = cidr.isEverything() ? (cidr.isV6() ? SOMEONE_V6 : SOMEONE_V4) : cidr.network();
      clients.add(sample);
    }
    for (Rule out : policy.rules(Direction.OUTBOUND)) {
      for (Cidr theirs : out.remotes()) {
        for (Cidr cidr : mine) {
          if (cidr.contains(theirs)) {
            clients.add(theirs.network());
          } else if (theirs.contains(cidr)) {
            clients.add(cidr.network());
          }
        }
      }
    }
    clients.removeIf(IpAddress::isLoopback);
    return clients;
  }

  /** SSH, RDP, databases and the like answering anyone on the internet. */
  private void exposure(Rule rule, ReferenceEvaluator evaluator, List<LintWarning> warnings) {
    boolean v4 = rule.isAnywhere() || rule.remotes().contains(Cidr.ANY_V4);
    boolean v6 = rule.isAnywhere() || rule.remotes().contains(Cidr.ANY_V6);
    if (!v4 && !v6) {
      return;
    }
    IpAddress someone = v4 ? SOMEONE_V4 : SOMEONE_V6;
    for (SensitivePort sensitive : sensitivePorts) {
      if (!rule.matchesPort(sensitive.protocol(), sensitive.port())) {
        continue;
      }
      Decision decision = evaluator.decide(Flow.inbound(sensitive.protocol(), sensitive.port(), someone));
      if (decision.rule() == rule) {
        warnings.add(new LintWarning(
            LintWarning.Kind.EXPOSED,
            rule.location(),
            sensitive.describe() + " is open to the whole internet; limit it with '"
                + Direction.INBOUND.remoteWord() + ":' (a group or networks)"));
      }
    }
  }

  /** Allowed inbound ports with nothing defined to serve them, when the policy defines services. */
  private static void services(Rule rule, Policy policy, List<LintWarning> warnings) {
    if (policy.services().isEmpty()) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (PortSpec spec : rule.ports()) {
      if (!spec.protocol().hasPorts()) {
        continue;
      }
      if (spec.range().size() > LISTED_PORTS) {
        boolean any = policy.services().stream().anyMatch(s -> spec.range().contains(s.port()) && s.protocols().contains(spec.protocol()));
        if (!any) {
          missing.add(spec.toString());
        }
        continue;
      }
      for (int port = spec.range().lo(); port <= spec.range().hi(); port++) {
        int p = port;
        if (policy.services().stream().noneMatch(s -> s.serves(spec.protocol(), p))) {
          missing.add(port + "/" + spec.protocol());
        }
      }
    }
    if (!missing.isEmpty()) {
      warnings.add(new LintWarning(
          LintWarning.Kind.NO_SERVICE,
          rule.location(),
          "inbound " + String.join(", ", missing) + " " + (missing.size() == 1 ? "is" : "are")
              + " allowed but no service is defined for " + (missing.size() == 1 ? "it" : "them")
              + ": the gateway has no listener there (add it under services:)"));
    }
  }

  /**
   * Services that no enabled inbound rule allows from anywhere, under an inbound default that
   * blocks: the gateway listens on their port and turns every client away, the seed's diamond
   * client for all comers. Usually an allow forgotten or disabled; a service meant to be closed is
   * better removed. Only rules are looked at, not who they name: a rule that allows some clients
   * is enough to stay quiet, so the warning is never wrong about a service some client can reach.
   */
  private static void closedServices(Policy policy, List<Rule> enabled, List<LintWarning> warnings) {
    Action fallback = policy.defaultAction(Direction.INBOUND);
    if (fallback == Action.ALLOW) {
      return;
    }
    for (ServiceBinding service : policy.services()) {
      List<String> closed = new ArrayList<>();
      for (Protocol protocol : Protocol.values()) {
        if (service.protocols().contains(protocol) && !allowedSomewhere(enabled, protocol, service.port())) {
          closed.add(service.port() + "/" + protocol);
        }
      }
      if (!closed.isEmpty()) {
        String ports = String.join(" and ", closed);
        warnings.add(new LintWarning(
            LintWarning.Kind.SERVICE_CLOSED,
            service.location(),
            "service " + ports + " is defined but no inbound rule allows " + (closed.size() == 1 ? "it" : "them")
                + ", and the inbound default is " + fallback + ": every client but loopback is " + fallback.pastTense()
                + " (allow it under inbound:, e.g. '- allow: " + closed.get(0) + "' with 'from:' to limit who,"
                + " or remove the service)"));
      }
    }
  }

  private static boolean allowedSomewhere(List<Rule> enabled, Protocol protocol, int port) {
    for (Rule rule : enabled) {
      if (rule.direction() == Direction.INBOUND && rule.action() == Action.ALLOW && rule.matchesPort(protocol, port)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Services whose backends lead back to the gateway's own ports on this host, read as the policy
   * writes them: the gateway, listening on the service ports, would dial itself without end, and
   * does not serve them (with {@code --port-offset} it listens elsewhere, and they may be fine).
   */
  private static void loops(Policy policy, List<LintWarning> warnings) {
    List<ServiceBinding> services = policy.services();
    BackendLoops.find(services, from -> services.stream()
        .filter(to -> to.port() == from.backendPort() && isThisHost(from.backendHost())
            && to.protocols().stream().anyMatch(from.protocols()::contains))
        .findFirst().orElse(null)).forEach((start, path) -> warnings.add(new LintWarning(
            LintWarning.Kind.SERVICE_LOOP,
            start.location(),
            "service " + start.port() + "'s backend " + start.backend() + (path.size() == 1
                ? " is its own port on this host"
                : " is service " + path.get(1).port() + "'s port on this host, and the backends lead round in a loop ("
                    + path.stream().map(s -> Integer.toString(s.port())).collect(Collectors.joining(" -> ")) + " -> "
                    + start.port() + ")")
                + ": a gateway listening on the service ports would dial itself without end, and will not serve it "
                + "(point 'to:' at the service itself)")));
  }

  /** Whether a backend host, as written, is this host: {@code localhost}, loopback or the wildcard. */
  private static boolean isThisHost(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      IpAddress address = IpAddress.parse(host);
      return address.isLoopback() || address.hi() == 0 && address.lo() == 0;
    } catch (PorteException e) {
      return false; // a name: lint resolves nothing
    }
  }

  private static String where(Rule rule) {
    return rule.location().isKnown() ? "line " + rule.location().line() : "rule #" + (rule.index() + 1);
  }
}
