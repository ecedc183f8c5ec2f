package dev.porte.nft;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Listening sockets against the policy: for each, whether a client from anywhere can reach it (and
 * from where the policy lets some clients in), and which ports the policy opens where nothing
 * listens. "Anywhere" is judged for a client the policy names nowhere (TEST-NET addresses), so
 * that address rules show up as "only from ...". Stateless.
 */
public final class Audit {
  /** Stand-ins for "some client on the internet": documentation addresses no policy should name. */
  static final IpAddress ANY_V4 = IpAddress.parse("192.0.2.123");

  static final IpAddress ANY_V6 = IpAddress.parse("2001:db8:ffff::123");

  /** Above this many ports, "allowed but nothing listens" would list noise, not findings. */
  private static final int MAX_IDLE_RANGE = 256;

  private Audit() {}

  /** One line per socket, then one per allowed port where nothing listens. */
  public static List<String> report(Policy policy, List<ListeningSocket> sockets) {
    DecisionEngine engine = DecisionEngine.compile(policy);
    List<String> out = new ArrayList<>();
    List<ListeningSocket> sorted = new ArrayList<>(sockets);
    sorted.sort(Comparator.comparing(ListeningSocket::protocol).thenComparingInt(ListeningSocket::port)
        .thenComparing(s -> s.address().toString()));
    Set<String> seen = new LinkedHashSet<>();
    for (ListeningSocket s : sorted) {
      String line = s.port() + "/" + s.protocol() + " " + s.process() + " listens on " + s.addressText() + " — ";
      if (!seen.add(line)) {
        continue; // one process with many identical sockets (SO_REUSEPORT workers)
      }
      if (s.loopbackOnly()) {
        out.add(line + "loopback only: not reachable from other hosts");
        continue;
      }
      IpAddress client = s.address().v6() ? ANY_V6 : ANY_V4;
      ConnectionVerdict verdict = engine.connect(Flow.inbound(s.protocol(), s.port(), client));
      StringBuilder text = new StringBuilder(line).append("inbound ").append(verdict.open().action().pastTense())
          .append(" by ").append(verdict.open().decidedBy());
      if (verdict.admitted() && !verdict.data().allowed()) {
        text.append(", but its replies are ").append(verdict.data().action().pastTense()).append(" by ")
            .append(verdict.data().decidedBy()).append(" (replies: filtered): clients connect and receive nothing");
      }
      List<String> from = allowedFrom(policy, s.protocol(), s.port());
      if (!verdict.admitted() && !from.isEmpty()) {
        text.append("; allowed only from ").append(String.join(", ", from));
      }
      out.add(text.toString());
    }
    out.addAll(idle(policy, engine, sockets));
    return out;
  }

  /** The remote sides of enabled inbound allow rules with addresses that cover this port. */
  private static List<String> allowedFrom(Policy policy, Protocol protocol, int port) {
    List<String> out = new ArrayList<>();
    for (Rule rule : policy.rules(Direction.INBOUND)) {
      if (rule.enabled() && rule.action() == Action.ALLOW && !rule.isAnywhere() && rule.matchesPort(protocol, port)) {
        out.add(rule.remotesText() + " (" + where(rule) + ")");
      }
    }
    return out;
  }

  private static List<String> idle(Policy policy, DecisionEngine engine, List<ListeningSocket> sockets) {
    List<String> out = new ArrayList<>();
    Set<String> reported = new LinkedHashSet<>();
    for (Rule rule : policy.rules(Direction.INBOUND)) {
      if (!rule.enabled() || rule.action() != Action.ALLOW) {
        continue;
      }
      for (PortSpec spec : rule.ports()) {
        if (!spec.protocol().hasPorts() || spec.range().size() > MAX_IDLE_RANGE) {
          continue;
        }
        for (int port = spec.range().lo(); port <= spec.range().hi(); port++) {
          int p = port;
          boolean listens = sockets.stream().anyMatch(s -> s.protocol() == spec.protocol() && s.port() == p && !s.loopbackOnly());
          IpAddress client = rule.isAnywhere() ? ANY_V4 : rule.remotes().get(0).network();
          boolean opens = engine.decide(Flow.inbound(spec.protocol(), p, client)).allowed();
          if (!listens && opens && reported.add(p + "/" + spec.protocol())) {
            out.add(p + "/" + spec.protocol() + " allowed inbound by " + where(rule) + " but nothing listens on it");
          }
        }
      }
    }
    return out;
  }

  private static String where(Rule rule) {
    return rule.location().isKnown() ? rule.location().file() + ":" + rule.location().line() : "rule #" + (rule.index() + 1);
  }

  /** A reminder printed with the report, since the mode changes what "allowed" means. */
  public static String modeNote(Policy policy) {
    return policy.replies() == ReplyMode.FILTERED
        ? "replies: filtered — data leaving on an inbound connection must also pass the outbound rules"
        : "replies: stateful — replies of admitted connections always leave";
  }
}
