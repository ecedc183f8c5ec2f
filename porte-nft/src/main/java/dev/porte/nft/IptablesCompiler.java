package dev.porte.nft;

import dev.porte.core.model.Action;
import dev.porte.core.model.Cidr;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Policy;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a policy as {@code iptables-restore} / {@code ip6tables-restore} input for hosts without
 * nftables. Same chains and meaning as {@link NftCompiler}, but linear: one iptables rule per policy
 * rule, port spec and address, in {@link Rule#PRECEDENCE} order, so the first match decides —
 * which is exactly what iptables does and what porte's sets exist to beat. Published container
 * ports (DNAT'd connections in FORWARD) are judged by the port the client asked for, with the
 * conntrack match ({@code --ctstate DNAT}, {@code --ctorigdstport}), as nft's {@code ct original
 * proto-dst}. Stateless.
 */
public final class IptablesCompiler {
  private IptablesCompiler() {}

  /** How one porte chain looks at a packet: which address is the remote side, which port is asked for. */
  private enum View {
    INBOUND("PORTE-INBOUND", Direction.INBOUND, "-s", "--dport", false, "in"),
    OUTBOUND("PORTE-OUTBOUND", Direction.OUTBOUND, "-d", "--dport", false, "out"),
    REPLY("PORTE-REPLY", Direction.OUTBOUND, "-d", "--sport", true, "reply"),
    // LOG takes a 29-character prefix: the DNAT chains log with the words of their questions
    // ("in", "reply"); the log line's IN= and OUT= (both set in FORWARD) tell a published port apart.
    INBOUND_DNAT("PORTE-INBOUND-DNAT", Direction.INBOUND, "-s", "-m conntrack --ctorigdstport", false, "in"),
    REPLY_DNAT("PORTE-REPLY-DNAT", Direction.OUTBOUND, "-d", "-m conntrack --ctorigdstport", true, "reply");

    final String chain;
    final Direction direction;
    final String addrFlag;
    final String portFlag;
    final boolean reply;
    /** The log prefix's direction word. */
    final String logWord;

    View(String chain, Direction direction, String addrFlag, String portFlag, boolean reply, String logWord) {
      this.chain = chain;
      this.direction = direction;
      this.addrFlag = addrFlag;
      this.portFlag = portFlag;
      this.reply = reply;
      this.logWord = logWord;
    }
  }

  public static IptablesRules compile(Policy policy) {
    return new IptablesRules(render(policy, false), render(policy, true));
  }

  private static String render(Policy policy, boolean v6) {
    boolean filtered = policy.replies() == ReplyMode.FILTERED;
    StringBuilder out = new StringBuilder();
    out.append("# porte ruleset for ").append(v6 ? "ip6tables-restore" : "iptables-restore")
        .append(", compiled from ").append(policy.source()).append('\n');
    out.append("# defaults: inbound ").append(policy.defaultAction(Direction.INBOUND)).append(", outbound ")
        .append(policy.defaultAction(Direction.OUTBOUND)).append("; replies: ").append(policy.replies()).append('\n');
    out.append("# Loading it replaces the whole filter table of ").append(v6 ? "IPv6" : "IPv4").append(".\n");
    out.append("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    List<View> views = filtered
        ? List.of(View.INBOUND, View.OUTBOUND, View.REPLY, View.INBOUND_DNAT, View.REPLY_DNAT)
        : List.of(View.INBOUND, View.OUTBOUND, View.INBOUND_DNAT);
    for (View view : views) {
      out.append(':').append(view.chain).append(" - [0:0]\n");
    }
    String icmp = v6 ? "ipv6-icmp" : "icmp";
    out.append("-A INPUT -i lo -j ACCEPT\n");
    nd(out, "INPUT", v6);
    out.append("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n");
    out.append("-A INPUT -j PORTE-INBOUND\n");
    out.append("-A OUTPUT -o lo -j ACCEPT\n");
    nd(out, "OUTPUT", v6);
    if (filtered) {
      out.append("-A OUTPUT -m conntrack --ctstate RELATED -j ACCEPT\n");
      out.append("-A OUTPUT -m conntrack --ctstate ESTABLISHED --ctdir ORIGINAL -j ACCEPT\n");
      out.append("-A OUTPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m conntrack --ctdir REPLY -j ACCEPT\n");
      out.append("-A OUTPUT -m conntrack --ctdir REPLY -j PORTE-REPLY\n");
    } else {
      out.append("-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n");
    }
    out.append("-A OUTPUT -j PORTE-OUTBOUND\n");
    // Published container ports: new DNAT'd connections obey the inbound rules by the port the
    // client asked for; in filtered mode what the container sends back obeys the outbound rules.
    // DNAT is a conntrack "virtual state" (the connection's destination was rewritten); states in
    // one --ctstate are alternatives, so it takes a match of its own.
    String dnat = " -m conntrack --ctstate DNAT -m conntrack";
    out.append("-A FORWARD").append(dnat).append(" --ctstate NEW --ctdir ORIGINAL -j PORTE-INBOUND-DNAT\n");
    if (filtered) {
      out.append("-A FORWARD -p tcp --tcp-flags SYN,ACK SYN,ACK").append(dnat).append(" --ctdir REPLY -j ACCEPT\n");
      out.append("-A FORWARD").append(dnat).append(" --ctstate ESTABLISHED --ctdir REPLY -j PORTE-REPLY-DNAT\n");
    }
    for (View view : views) {
      chain(out, policy, view, v6, icmp);
    }
    out.append("COMMIT\n");
    return out.toString();
  }

  private static void nd(StringBuilder out, String chain, boolean v6) {
    if (!v6) {
      return;
    }
    for (String type : List.of("router-solicitation", "router-advertisement", "neighbour-solicitation", "neighbour-advertisement")) {
      out.append("-A ").append(chain).append(" -p ipv6-icmp --icmpv6-type ").append(type).append(" -j ACCEPT\n");
    }
  }

  private static void chain(StringBuilder out, Policy policy, View view, boolean v6, String icmp) {
    String chain = view.chain;
    List<Rule> ordered = policy.rules(view.direction).stream().filter(Rule::enabled).sorted(Rule.PRECEDENCE).collect(Collectors.toList());
    for (Rule rule : ordered) {
      List<Cidr> remotes = rule.remotes().stream().filter(c -> c.isV6() == v6).collect(Collectors.toList());
      if (!rule.remotes().isEmpty() && remotes.isEmpty()) {
        continue; // the rule names only the other family's networks
      }
      String comment = " -m comment --comment \"" + comment(rule) + "\"";
      for (PortSpec spec : rule.ports()) {
        String match = spec.protocol() == Protocol.ICMP
            ? " -p " + icmp
            : " -p " + spec.protocol() + (spec.range().isAll() ? "" : " " + view.portFlag + " " + spec.range().lo()
                + (spec.range().lo() == spec.range().hi() ? "" : ":" + spec.range().hi()));
        String target = target(rule.action(), spec.protocol(), view.reply, v6);
        List<String> heads = new ArrayList<>();
        if (remotes.isEmpty()) {
          heads.add("-A " + chain + match + comment);
        }
        for (Cidr cidr : remotes) {
          heads.add("-A " + chain + " " + view.addrFlag + " " + cidr + match + comment);
        }
        for (String head : heads) {
          if (rule.log()) {
            // LOG does not end the chain: the verdict follows. The limit keeps a flood out of the kernel log.
            out.append(head).append(" -m limit --limit 5/sec --limit-burst 10 -j LOG --log-prefix \"")
                .append(LogPrefix.of(view.logWord, rule, LogPrefix.IPTABLES_MAX))
                .append("\" --log-level info\n");
          }
          out.append(head).append(target).append('\n');
        }
      }
    }
    Action fallback = policy.defaultAction(view.direction);
    String comment = " -m comment --comment \"" + view.direction + " default: " + fallback + "\"";
    if (fallback == Action.REJECT && !view.reply) {
      // As the nft default: a reset for TCP, port unreachable for UDP, admin-prohibited for the rest.
      out.append("-A ").append(chain).append(" -p tcp").append(comment).append(target(Action.REJECT, Protocol.TCP, false, v6)).append('\n');
      out.append("-A ").append(chain).append(" -p udp").append(comment).append(target(Action.REJECT, Protocol.UDP, false, v6)).append('\n');
      out.append("-A ").append(chain).append(comment).append(target(Action.REJECT, Protocol.ICMP, false, v6)).append('\n');
    } else {
      out.append("-A ").append(chain).append(comment).append(fallback == Action.ALLOW ? " -j ACCEPT" : " -j DROP").append('\n');
    }
  }

  private static String target(Action action, Protocol protocol, boolean reply, boolean v6) {
    if (action == Action.ALLOW) {
      return " -j ACCEPT";
    }
    if (action == Action.DENY || reply) {
      return " -j DROP";
    }
    return switch (protocol) {
      case TCP -> " -j REJECT --reject-with tcp-reset";
      case UDP -> v6 ? " -j REJECT --reject-with icmp6-port-unreachable" : " -j REJECT --reject-with icmp-port-unreachable";
      default -> v6 ? " -j REJECT --reject-with icmp6-adm-prohibited" : " -j REJECT --reject-with icmp-admin-prohibited";
    };
  }

  private static String comment(Rule rule) {
    String where = rule.location().isKnown()
        ? java.nio.file.Path.of(rule.location().file()).getFileName() + ":" + rule.location().line()
        : "rule #" + (rule.index() + 1);
    String text = (where + " " + rule.summary()).replace('"', '\'').replace('\\', '/');
    return text.length() > 200 ? text.substring(0, 197) + "..." : text;
  }
}
