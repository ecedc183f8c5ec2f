package dev.porte.nft;

import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortRange;
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
 * the same questions, asked by the port the client asked for ({@code ct original proto-dst}), with
 * the same sets and the same owners (a packet counted there counts for the same policy rule).
 *
 * <p>Verdict order: enabled rules sorted by {@link Rule#PRECEDENCE}; consecutive rules with the
 * same priority and action form one level, compiled to a few set lookups (one per protocol and
 * address family, see {@link ChainPlan}) with one verdict, so the kernel walks levels, not rules.
 * The first level that matches decides, as the lowest priority (blocks first) decides in the
 * engine; the direction's default ends each chain.
 *
 * <p>Counters: every set element, and every kernel rule whose elements all belong to one policy
 * rule, counts for exactly the policy rule the reference evaluator names for its packets ({@link
 * Owner}), so {@code status --hits} can report each policy rule. A rule with {@code log: true} also
 * logs its packets, rate-limited, with a prefix naming it ({@link LogPrefix}). Thread-safe and
 * stateless.
 */
public final class NftCompiler {
  /** The table porte owns; no other table is ever named. */
  public static final String FAMILY = "inet";

  public static final String TABLE = "porte";

  /** Above this many elements a level's set is named and declared; below, it is written inline. */
  static final int INLINE_MAX = 4;

  /**
   * How often a logged rule may log: ufw's idea (a burst, then a steady trickle) so that a port scan
   * or a flood cannot fill the kernel log, generous enough that a few connections are all seen.
   */
  static final String LOG_LIMIT = "limit rate 5/second burst 10 packets";

  private static final String ND_TYPES =
      "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert }";

  private NftCompiler() {}

  /** How one regular chain looks at a packet. */
  private enum View {
    INBOUND("inbound", "in", Direction.INBOUND, "saddr", "dport", false, "inbound"),
    OUTBOUND("outbound", "out", Direction.OUTBOUND, "daddr", "dport", false, "outbound"),
    REPLY("outbound_reply", "reply", Direction.OUTBOUND, "daddr", "sport", true, "outbound-reply"),
    /** Connections the host forwards after DNAT (published container ports), by their original port. */
    DNAT("inbound_dnat", "in", Direction.INBOUND, "saddr", "ct original proto-dst", false, "inbound-dnat"),
    /**
     * Filtered mode: what a container sends back on a DNAT'd connection, judged like {@link #REPLY}
     * for the client ({@code daddr}: forward sees the reply before it is un-NATed) and the port the
     * client asked for.
     */
    REPLY_DNAT("outbound_reply_dnat", "reply", Direction.OUTBOUND, "daddr", "ct original proto-dst", true, "outbound-reply-dnat");

    final String chain;
    final String prefix;
    final Direction direction;
    final String addr;
    final String port;
    final boolean reply;
    /** The log prefix's direction word: the direction, and for the special chains what they see. */
    final String logWord;

    View(String chain, String prefix, Direction direction, String addr, String port, boolean reply, String logWord) {
      this.logWord = logWord;
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
    // inbound_dnat and outbound_reply_dnat ask the questions of inbound and outbound_reply by
    // another port expression: one plan per direction serves every chain of it (planning again was
    // half the compile time of a 100,000-rule policy), and lookup() reuses the named sets.
    List<ChainPlan.Lookup> in = ChainPlan.plan(policy.rules(Direction.INBOUND));
    List<ChainPlan.Lookup> out = ChainPlan.plan(policy.rules(Direction.OUTBOUND));
    chains.add(policyChain(policy, View.INBOUND, in, sets));
    chains.add(policyChain(policy, View.DNAT, in, sets));
    chains.add(policyChain(policy, View.OUTBOUND, out, sets));
    if (filtered) {
      chains.add(policyChain(policy, View.REPLY, out, sets));
      chains.add(policyChain(policy, View.REPLY_DNAT, out, sets));
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

  private static NftChain policyChain(Policy policy, View view, List<ChainPlan.Lookup> lookups, List<NftSet> sets) {
    List<NftRule> out = new ArrayList<>();
    int shown = 0;
    for (ChainPlan.Lookup lookup : lookups) {
      // The notes name the level's policy rules once, above its first kernel rule.
      List<String> notes = lookup.level() == shown ? List.of() : notes(lookup);
      shown = lookup.level();
      out.addAll(kernelRules(view, lookup, notes, sets));
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

  private static List<String> notes(ChainPlan.Lookup lookup) {
    List<Rule> rules = lookup.rules();
    List<String> notes = new ArrayList<>();
    notes.add("level " + lookup.level() + ": priority " + rules.get(0).priority() + ", " + lookup.action()
        + (lookup.logged() ? ", logged" : ""));
    for (Rule rule : rules) {
      notes.add("  " + where(rule) + ": " + rule.summary() + (rule.comment().isEmpty() ? "" : " (" + rule.comment() + ")"));
    }
    return notes;
  }

  /**
   * One lookup as a kernel rule whose counter counts for the one rule owning its elements, or
   * whose elements (then always in a named set) count for their own rules; a logged rule's lookup
   * is preceded by a twin that only logs.
   */
  private static List<NftRule> kernelRules(View view, ChainPlan.Lookup lookup, List<String> notes, List<NftSet> sets) {
    List<Rule> rules = lookup.rules();
    String comment = lines(rules) + ": " + lookup.action() + " (priority " + rules.get(0).priority() + ")";
    String match = match(view, lookup, sets, comment);
    int sole = lookup.soleOwner();
    Owner owner = sole < 0 ? null : new Owner.OfRule(sole);
    NftRule verdict = new NftRule(List.of(match, "counter", verdict(view, lookup.action(), lookup.protocol())), comment,
        lookup.logged() ? List.of() : notes, owner);
    if (!lookup.logged()) {
      return List.of(verdict);
    }
    // A limit that is exceeded ends its rule, so it cannot sit in the rule with the verdict.
    NftRule log = new NftRule(List.of(match, LOG_LIMIT, "log prefix \"" + LogPrefix.of(view.logWord, rules.get(0), LogPrefix.NFT_MAX)
        + "\" level info"), "log: " + comment, notes, null);
    return List.of(log, verdict);
  }

  private static String match(View view, ChainPlan.Lookup lookup, List<NftSet> sets, String comment) {
    Protocol protocol = lookup.protocol();
    List<ChainPlan.Element> elements = lookup.elements();
    String name = view.prefix + "_" + lookup.level() + "_" + protocol
        + switch (lookup.reach()) {
          case V4 -> "_v4";
          case V6 -> "_v6";
          case ANYWHERE -> "";
        }
        + (lookup.layer() > 0 ? "_d" + lookup.layer() : "");
    if (lookup.reach() == ChainPlan.Reach.ANYWHERE) {
      if (protocol == Protocol.ICMP) {
        return "meta l4proto { icmp, ipv6-icmp }";
      }
      if (elements.size() == 1 && elements.get(0).range().isAll()) {
        return "meta l4proto " + protocol;
      }
      return portMatch(view, protocol) + " " + lookup(sets, name, "inet_service", elements, e -> port(e.range()), "ports of " + comment);
    }
    boolean v6 = lookup.reach() == ChainPlan.Reach.V6;
    String family = v6 ? "ip6" : "ip";
    String addrType = v6 ? "ipv6_addr" : "ipv4_addr";
    if (protocol == Protocol.ICMP) {
      return "meta l4proto " + (v6 ? "ipv6-icmp " : "icmp ") + family + " " + view.addr + " "
          + lookup(sets, name, addrType, elements, e -> address(e.cidr()), "addresses of " + comment);
    }
    boolean conntrack = view.portFromConntrack();
    return (conntrack ? "meta l4proto " + protocol + " " : "") + family + " " + view.addr + " . "
        + (conntrack ? view.port : protocol + " " + view.port) + " "
        + lookup(sets, name, addrType + " . inet_service", elements, e -> address(e.cidr()) + " . " + port(e.range()),
            "addresses and ports of " + comment);
  }

  /**
   * A single value, an inline set, or a named set declared in {@code sets}. Elements of several
   * owners always go into a named set: only its elements' counters tell the owners apart.
   */
  private static String lookup(List<NftSet> sets, String name, String type, List<ChainPlan.Element> elements,
      java.util.function.Function<ChainPlan.Element, String> text, String comment) {
    List<String> values = elements.stream().map(text).collect(Collectors.toList());
    List<Integer> owners = elements.stream().map(ChainPlan.Element::owner).collect(Collectors.toList());
    boolean sole = owners.stream().distinct().count() == 1;
    if (sole && values.size() == 1 && !type.contains(".")) {
      return values.get(0);
    }
    if (sole && values.size() <= INLINE_MAX) {
      return "{ " + String.join(", ", values) + " }";
    }
    for (NftSet set : sets) {
      if (set.name().equals(name)) {
        // inbound_dnat and outbound_reply_dnat ask the questions of inbound and outbound_reply
        // by another port expression: one set serves both, which halves the load time of big
        // policies, and its elements' counters add up both chains' packets for their owners.
        if (!set.elements().equals(values) || !set.owners().equals(owners)) {
          throw new IllegalStateException("set " + name + " would be declared twice with different elements");
        }
        return "@" + name;
      }
    }
    sets.add(new NftSet(name, type, true, values, NftRule.clean(comment), owners));
    return "@" + name;
  }

  private static List<NftRule> defaults(View view, Action action) {
    String comment = view.direction + " default: " + action;
    List<String> notes = List.of("no rule matched: the " + view.direction + " default, " + action);
    Owner owner = new Owner.OfDefault(view.direction);
    if (action == Action.REJECT && !view.reply) {
      return List.of(
          new NftRule(List.of("meta l4proto tcp", "counter", "reject with tcp reset"), comment, notes, owner),
          new NftRule(List.of("meta l4proto udp", "counter", "reject with icmpx type port-unreachable"), comment, List.of(), owner),
          new NftRule(List.of("counter", "reject with icmpx type admin-prohibited"), comment, List.of(), owner));
    }
    return List.of(new NftRule(List.of("counter", action == Action.ALLOW ? "accept" : "drop"), comment, notes, owner));
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
