package dev.porte.nft;

import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortRange;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles a {@link Policy} into one nftables table, {@code inet porte}, with exactly the meaning
 * of DESIGN.md section 1 (the {@link dev.porte.core.engine.ReferenceEvaluator} is the oracle).
 *
 * <p>Shape: base chains {@code input} and {@code output} (hook priority filter, policy accept)
 * let loopback, ICMPv6 neighbour discovery and admitted connections through, then jump to the
 * regular chains that hold the policy: {@code inbound} (client = {@code saddr}, local port = {@code
 * dport}), {@code outbound} (remote = {@code daddr}, remote port = {@code dport}) and, in filtered
 * mode, {@code outbound_reply}: the data leaving on an inbound connection ({@code ct direction
 * reply}), judged by the outbound rules for the client ({@code daddr}) and the local service port
 * ({@code sport}). The base chain {@code forward} sends connections DNAT'd to containers through
 * {@code inbound_dnat} and, in filtered mode, their answers through {@code outbound_reply_dnat}:
 * the same questions, asked by the port the client asked for ({@code ct original proto-dst}).
 *
 * <p>Verdict order: enabled rules sorted by {@link Rule#PRECEDENCE}; consecutive rules with the
 * same priority and action form one level, compiled to a few set lookups (one per protocol and
 * address family) with one verdict, so the kernel walks levels, not rules. The first level that
 * matches decides, as the lowest priority (blocks first) decides in the engine; the direction's
 * default ends each chain. Thread-safe and stateless.
 */
public final class NftCompiler {
  /** The table porte owns; no other table is ever named. */
  public static final String FAMILY = "inet";

  public static final String TABLE = "porte";

  /** Above this many elements a level's set is named and declared; below, it is written inline. */
  static final int INLINE_MAX = 4;

  private static final String ND_TYPES =
      "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert }";

  private NftCompiler() {}

  /** How one regular chain looks at a packet. */
  private enum View {
    INBOUND("inbound", "in", Direction.INBOUND, "saddr", "dport", false),
    OUTBOUND("outbound", "out", Direction.OUTBOUND, "daddr", "dport", false),
    REPLY("outbound_reply", "reply", Direction.OUTBOUND, "daddr", "sport", true),
    /** Connections the host forwards after DNAT (published container ports), by their original port. */
    DNAT("inbound_dnat", "in", Direction.INBOUND, "saddr", "ct original proto-dst", false),
    /**
     * Filtered mode: what a container sends back on a DNAT'd connection, judged like {@link #REPLY}
     * for the client ({@code daddr}: forward sees the reply before it is un-NATed) and the port the
     * client asked for.
     */
    REPLY_DNAT("outbound_reply_dnat", "reply", Direction.OUTBOUND, "daddr", "ct original proto-dst", true);

    final String chain;
    final String prefix;
    final Direction direction;
    final String addr;
    final String port;
    final boolean reply;

    View(String chain, String prefix, Direction direction, String addr, String port, boolean reply) {
      this.chain = chain;
      this.prefix = prefix;
      this.direction = direction;
      this.addr = addr;
      this.port = port;
      this.reply = reply;
    }

    /** The port comes from conntrack, which needs the protocol named by {@code meta l4proto}. */
    boolean portFromConntrack() {
      return port.startsWith("ct ");
    }
  }

  public static NftRuleset compile(Policy policy) {
    List<NftSet> sets = new ArrayList<>();
    List<NftChain> chains = new ArrayList<>();
    boolean filtered = policy.replies() == ReplyMode.FILTERED;
    chains.add(inputChain());
    chains.add(outputChain(filtered));
    chains.add(forwardChain(filtered));
    chains.add(policyChain(policy, View.INBOUND, sets));
    chains.add(policyChain(policy, View.DNAT, sets));
    chains.add(policyChain(policy, View.OUTBOUND, sets));
    if (filtered) {
      chains.add(policyChain(policy, View.REPLY, sets));
      chains.add(policyChain(policy, View.REPLY_DNAT, sets));
    }
    List<String> header = new ArrayList<>();
    header.add("porte ruleset compiled from " + policy.source());
    header.add("defaults: inbound " + policy.defaultAction(Direction.INBOUND) + ", outbound "
        + policy.defaultAction(Direction.OUTBOUND) + "; replies: " + policy.replies());
    header.add(filtered
        ? "filtered: data leaving on an inbound connection must pass the outbound rules (chains outbound_reply, outbound_reply_dnat)"
        : "stateful: the replies of an admitted connection always leave");
    header.add("Always allowed: loopback, ICMPv6 neighbour discovery, packets of admitted connections.");
    return new NftRuleset(FAMILY, TABLE, header, sets, chains);
  }

  private static NftChain inputChain() {
    List<NftRule> rules = new ArrayList<>();
    rules.add(NftRule.of("loopback is always allowed", "iif \"lo\"", "accept"));
    rules.add(NftRule.of("IPv6 breaks without neighbour discovery", ND_TYPES, "accept"));
    // Client data of admitted inbound connections and the replies of our own outbound ones.
    rules.add(NftRule.of("packets of admitted connections", "ct state established,related", "accept"));
    rules.add(NftRule.of("new inbound connections: the inbound rules", "jump inbound"));
    return new NftChain("input", "input", "what reaches this host", rules);
  }

  /**
   * Only connections DNAT'd to something behind this host (Docker's and Podman's published ports)
   * are porte's business here: they are new inbound connections and obey the inbound rules, matched
   * on the port the client asked for ({@code ct original proto-dst}), so a published port cannot
   * bypass porte. In filtered mode what the container sends back is data leaving on an inbound
   * connection and obeys the outbound rules, as in the output chain. Other routed traffic passes
   * untouched.
   */
  private static NftChain forwardChain(boolean filtered) {
    List<NftRule> rules = new ArrayList<>();
    rules.add(NftRule.of("published (DNAT'd) ports obey the inbound rules, by the port the client asked for",
        "ct status dnat", "ct direction original", "ct state new", "jump inbound_dnat"));
    if (filtered) {
      rules.add(NftRule.of("handshake of admitted published connections",
          "ct status dnat", "ct direction reply", "tcp flags & (syn | ack) == syn | ack", "accept"));
      // Only established: ICMP errors about the connection are "related" and carry no data.
      rules.add(NftRule.of("data leaving on published connections: the outbound rules, by the port the client asked for",
          "ct status dnat", "ct direction reply", "ct state established", "jump outbound_reply_dnat"));
    }
    return new NftChain("forward", "forward", "connections forwarded to containers after DNAT", rules);
  }

  private static NftChain outputChain(boolean filtered) {
    List<NftRule> rules = new ArrayList<>();
    rules.add(NftRule.of("loopback is always allowed", "oif \"lo\"", "accept"));
    rules.add(NftRule.of("IPv6 breaks without neighbour discovery", ND_TYPES, "accept"));
    if (filtered) {
      // ICMP errors and the RST a reject sends are "related"; they carry no data.
      rules.add(NftRule.of("errors about admitted connections", "ct state related", "accept"));
      rules.add(NftRule.of("our own admitted outbound connections", "ct direction original", "ct state established", "accept"));
      // The handshake answer lets an admitted inbound connection open; what follows is data.
      rules.add(NftRule.of("handshake of admitted inbound connections",
          "ct direction reply", "tcp flags & (syn | ack) == syn | ack", "accept"));
      rules.add(NftRule.of("data leaving on inbound connections: the outbound rules",
          "ct direction reply", "jump outbound_reply"));
    } else {
      rules.add(NftRule.of("stateful: replies of admitted connections always leave", "ct state established,related", "accept"));
    }
    rules.add(NftRule.of("new outbound connections: the outbound rules", "jump outbound"));
    return new NftChain("output", "output", "what leaves this host", rules);
  }

  private static NftChain policyChain(Policy policy, View view, List<NftSet> sets) {
    List<Rule> ordered = policy.rules(view.direction).stream()
        .filter(Rule::enabled)
        .sorted(Rule.PRECEDENCE)
        .collect(Collectors.toList());
    List<NftRule> out = new ArrayList<>();
    int level = 0;
    for (int i = 0; i < ordered.size(); ) {
      int j = i;
      Rule first = ordered.get(i);
      while (j < ordered.size()
          && ordered.get(j).priority() == first.priority()
          && ordered.get(j).action() == first.action()) {
        j++;
      }
      level++;
      out.addAll(level(view, level, ordered.subList(i, j), sets));
      i = j;
    }
    out.addAll(defaults(view, policy.defaultAction(view.direction)));
    String comment = switch (view) {
      case INBOUND -> "inbound rules: client = saddr, local port = dport";
      case OUTBOUND -> "outbound rules: remote = daddr, remote port = dport";
      case REPLY -> "filtered replies: outbound rules for client = daddr, local service port = sport";
      case DNAT -> "inbound rules for DNAT'd connections: client = saddr, port = the original destination port";
      case REPLY_DNAT -> "filtered replies of DNAT'd connections: outbound rules for client = daddr, port = the original destination port";
    };
    return new NftChain(view.chain, null, comment, out);
  }

  /** One level: rules of equal priority and action, as set lookups per protocol and family. */
  private static List<NftRule> level(View view, int level, List<Rule> rules, List<NftSet> sets) {
    Action action = rules.get(0).action();
    List<String> notes = new ArrayList<>();
    notes.add("level " + level + ": priority " + rules.get(0).priority() + ", " + action);
    for (Rule rule : rules) {
      notes.add("  " + where(rule) + ": " + rule.summary() + (rule.comment().isEmpty() ? "" : " (" + rule.comment() + ")"));
    }
    String comment = lines(rules) + ": " + action + " (priority " + rules.get(0).priority() + ")";
    List<NftRule> out = new ArrayList<>();
    for (Protocol protocol : Protocol.CONCRETE) {
      List<Intervals.Box> v4 = new ArrayList<>();
      List<Intervals.Box> v6 = new ArrayList<>();
      List<PortRange> anywhere = new ArrayList<>();
      for (Rule rule : rules) {
        for (PortSpec spec : rule.ports()) {
          if (spec.protocol() != protocol) {
            continue;
          }
          if (rule.remotes().isEmpty()) {
            anywhere.add(spec.range());
          }
          for (Cidr cidr : rule.remotes()) {
            (cidr.isV6() ? v6 : v4).add(new Intervals.Box(cidr, List.of(spec.range())));
          }
        }
      }
      String verdict = verdict(view, action, protocol);
      String base = view.prefix + "_" + level + "_" + protocol;
      if (protocol == Protocol.ICMP) {
        if (!anywhere.isEmpty()) {
          out.add(rule(notes, comment, "meta l4proto { icmp, ipv6-icmp }", verdict));
        } else {
          addIcmp(out, sets, notes, comment, view, base + "_v4", false, v4, verdict);
          addIcmp(out, sets, notes, comment, view, base + "_v6", true, v6, verdict);
        }
        continue;
      }
      List<PortRange> anyPorts = Intervals.merge(anywhere);
      if (!anyPorts.isEmpty()) {
        String match = anyPorts.equals(List.of(PortRange.ALL))
            ? "meta l4proto " + protocol
            : portMatch(view, protocol) + " " + lookup(sets, base, "inet_service", ports(anyPorts), "ports of " + comment);
        out.add(rule(notes, comment, match, verdict));
      }
      addBoxes(out, sets, notes, comment, view, base + "_v4", protocol, false, v4, anyPorts, verdict);
      addBoxes(out, sets, notes, comment, view, base + "_v6", protocol, true, v6, anyPorts, verdict);
    }
    // The notes name the level's policy rules once, above its first kernel rule.
    for (int k = 1; k < out.size(); k++) {
      out.set(k, new NftRule(out.get(k).statements(), out.get(k).comment(), List.of()));
    }
    return out;
  }

  private static void addIcmp(List<NftRule> out, List<NftSet> sets, List<String> notes, String comment, View view,
      String name, boolean v6, List<Intervals.Box> boxes, String verdict) {
    if (boxes.isEmpty()) {
      return;
    }
    List<Cidr> cidrs = Intervals.outermost(boxes.stream().map(Intervals.Box::cidr).collect(Collectors.toList()));
    List<String> elements = cidrs.stream().map(NftCompiler::address).collect(Collectors.toList());
    String family = v6 ? "ip6" : "ip";
    String match = "meta l4proto " + (v6 ? "ipv6-icmp " : "icmp ") + family + " " + view.addr + " "
        + lookup(sets, name, v6 ? "ipv6_addr" : "ipv4_addr", elements, "addresses of " + comment);
    out.add(rule(notes, comment, match, verdict));
  }

  private static void addBoxes(List<NftRule> out, List<NftSet> sets, List<String> notes, String comment, View view,
      String name, Protocol protocol, boolean v6, List<Intervals.Box> boxes, List<PortRange> anyPorts, String verdict) {
    // inbound_dnat and outbound_reply_dnat ask the questions of inbound and outbound_reply by
    // another port expression: a named set those views built is reused, not computed again
    // (that was half the compile time of a 100,000-rule policy).
    List<String> elements = sets.stream().filter(set -> set.name().equals(name)).findFirst()
        .map(NftSet::elements)
        .orElseGet(() -> elements(boxes, anyPorts));
    if (elements.isEmpty()) {
      return;
    }
    String family = v6 ? "ip6" : "ip";
    String type = (v6 ? "ipv6_addr" : "ipv4_addr") + " . inet_service";
    boolean conntrack = view.portFromConntrack();
    String match = (conntrack ? "meta l4proto " + protocol + " " : "") + family + " " + view.addr + " . "
        + (conntrack ? view.port : protocol + " " + view.port) + " "
        + lookup(sets, name, type, elements, "addresses and ports of " + comment);
    out.add(rule(notes, comment, match, verdict));
  }

  /** The set elements "address . ports" of a level's boxes, disjoint, without what its anywhere rules match. */
  private static List<String> elements(List<Intervals.Box> boxes, List<PortRange> anyPorts) {
    List<Intervals.Box> wanted = new ArrayList<>();
    for (Intervals.Box box : boxes) {
      // What the anywhere rule of the same level already matches needs no address element.
      List<PortRange> left = Intervals.subtract(box.ports(), anyPorts);
      if (!left.isEmpty()) {
        wanted.add(new Intervals.Box(box.cidr(), left));
      }
    }
    List<String> elements = new ArrayList<>();
    for (Intervals.Box box : Intervals.disjoint(wanted)) {
      for (PortRange range : box.ports()) {
        elements.add(address(box.cidr()) + " . " + port(range));
      }
    }
    return elements;
  }

  /** A single value, an inline set, or a named set declared in {@code sets}. */
  private static String lookup(List<NftSet> sets, String name, String type, List<String> elements, String comment) {
    if (elements.size() == 1 && !type.contains(".")) {
      return elements.get(0);
    }
    if (elements.size() <= INLINE_MAX) {
      return "{ " + String.join(", ", elements) + " }";
    }
    for (NftSet set : sets) {
      if (set.name().equals(name)) {
        // inbound_dnat asks the same question as inbound with another port expression: one set
        // serves both, which halves the load time of big policies.
        if (!set.elements().equals(elements)) {
          throw new IllegalStateException("set " + name + " would be declared twice with different elements");
        }
        return "@" + name;
      }
    }
    sets.add(new NftSet(name, type, true, elements, NftRule.clean(comment)));
    return "@" + name;
  }

  private static NftRule rule(List<String> notes, String comment, String match, String verdict) {
    return new NftRule(List.of(match, "counter", verdict), comment, notes);
  }

  private static List<NftRule> defaults(View view, Action action) {
    String comment = view.direction + " default: " + action;
    List<String> notes = List.of("no rule matched: the " + view.direction + " default, " + action);
    if (action == Action.REJECT && !view.reply) {
      return List.of(
          new NftRule(List.of("meta l4proto tcp", "counter", "reject with tcp reset"), comment, notes),
          new NftRule(List.of("meta l4proto udp", "counter", "reject with icmpx type port-unreachable"), comment, List.of()),
          new NftRule(List.of("counter", "reject with icmpx type admin-prohibited"), comment, List.of()));
    }
    return List.of(new NftRule(List.of("counter", action == Action.ALLOW ? "accept" : "drop"), comment, notes));
  }

  /**
   * Deny drops; reject refuses at once (TCP RST, ICMP unreachable). Data leaving on an inbound
   * connection is only ever dropped: a reset sent from the output hook would go to our own server.
   */
  static String verdict(View view, Action action, Protocol protocol) {
    if (action == Action.ALLOW) {
      return "accept";
    }
    if (action == Action.DENY || view.reply) {
      return "drop";
    }
    return switch (protocol) {
      case TCP -> "reject with tcp reset";
      case UDP -> "reject with icmpx type port-unreachable";
      default -> "reject with icmpx type admin-prohibited";
    };
  }

  /** {@code tcp dport}, or for DNAT'd connections the protocol and the original destination port. */
  private static String portMatch(View view, Protocol protocol) {
    return view.portFromConntrack() ? "meta l4proto " + protocol + " " + view.port : protocol + " " + view.port;
  }

  private static List<String> ports(List<PortRange> ranges) {
    return ranges.stream().map(NftCompiler::port).collect(Collectors.toList());
  }

  private static String port(PortRange range) {
    return range.toString();
  }

  /** nft prints a host route without its prefix; we do the same so a read-back compares equal. */
  static String address(Cidr cidr) {
    String text = cidr.toString();
    int full = cidr.isV6() ? 128 : 32;
    return cidr.prefix() == full && text.endsWith("/" + full) ? text.substring(0, text.lastIndexOf('/')) : text;
  }

  private static String where(Rule rule) {
    return rule.location().isKnown() ? rule.location().file() + ":" + rule.location().line() : "rule #" + (rule.index() + 1);
  }

  /** {@code "porte.yaml:6,9"}: the policy lines a kernel rule stands for, short enough for a comment. */
  private static String lines(List<Rule> rules) {
    Rule first = rules.get(0);
    if (!first.location().isKnown()) {
      return "rules " + rules.stream().map(r -> "#" + (r.index() + 1)).collect(Collectors.joining(","));
    }
    String file = java.nio.file.Path.of(first.location().file()).getFileName().toString();
    return file + ":" + rules.stream().map(r -> Integer.toString(r.location().line())).collect(Collectors.joining(","));
  }
}
