package dev.porte.cli;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.Evaluator;
import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.policy.Policies;
import dev.porte.core.policy.PortSpecs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code porte check inbound 22/tcp from 198.51.100.7}: would this flow pass, and why. */
@Command(
    name = "check",
    aliases = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Says whether a flow would pass, which rule decided it (or the default policy) and why.",
      "For an inbound connection it also says whether its replies may leave (the reply mode)."
    },
    footer = {
      "",
      "Examples:",
      "  porte check inbound 22/tcp from 198.51.100.7",
      "  porte check inbound ssh from 2001:db8::7 --policy /etc/porte/porte.yaml",
      "  porte check outbound 443/tcp to 192.0.2.1 --json",
      "",
      "A bare number (53) or a name speaking several protocols (domain) checks each of them.",
      "Exit code: 0 when every verdict is allow, 1 when any is deny or reject, 2 for bad input."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PolicySource source;

  @Parameters(index = "0", paramLabel = "DIRECTION", description = "inbound or outbound")
  String direction;

  @Parameters(index = "1", paramLabel = "PORT", description = "22/tcp, 53/udp, 22 (tcp and udp), a service name such as ssh, or icmp")
  String port;

  @Parameters(index = "2", paramLabel = "from|to", description = "'from' for inbound, 'to' for outbound")
  String keyword;

  @Parameters(index = "3", paramLabel = "ADDRESS", description = "the remote IPv4 or IPv6 address")
  String address;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Direction dir = Direction.parse(direction);
    if (!keyword.equalsIgnoreCase(dir.remoteWord())) {
      throw new PorteException(
          ErrorCode.USAGE,
          "expected '" + dir.remoteWord() + "' before the address of an " + dir + " flow, got '" + keyword + "'");
    }
    IpAddress remote = IpAddress.parse(address);
    List<PortSpec> specs = PortSpecs.parse(port, Policies.services());
    for (PortSpec one : specs) {
      if (one.protocol().hasPorts() && one.range().size() != 1) {
        throw new PorteException(ErrorCode.USAGE, "check takes one port, not a range: '" + port + "' (e.g. 8080/tcp)");
      }
    }
    PolicySource.Loaded loaded = source.load();
    if (loaded.builtIn()) {
      spec.commandLine().getErr().println("porte: using " + loaded.origin());
    }
    Evaluator engine = DecisionEngine.compile(loaded.policy());
    List<ConnectionVerdict> verdicts = new ArrayList<>();
    for (PortSpec one : specs) {
      verdicts.add(engine.connect(new Flow(dir, one.protocol(), remote, one.range().lo())));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(toJson(loaded, specs, verdicts)));
    } else {
      print(out, loaded, specs, verdicts);
    }
    return verdicts.stream().allMatch(v -> v.open().allowed()) ? 0 : 1;
  }

  private void print(PrintWriter out, PolicySource.Loaded loaded, List<PortSpec> specs, List<ConnectionVerdict> verdicts) {
    if (!Character.isDigit(port.charAt(0)) && !port.equalsIgnoreCase("icmp")) {
      out.println(port + " means " + String.join(", ", specs.stream().map(PortSpec::toString).toList()));
    }
    for (ConnectionVerdict verdict : verdicts) {
      Flow flow = verdict.flow();
      Decision open = verdict.open();
      out.println(flow + ": " + open.action().toString().toUpperCase(java.util.Locale.ROOT));
      out.println("  decided by: " + open.decidedBy());
      out.println("  why:        " + open.why(flow));
      if (flow.direction() == Direction.INBOUND && open.allowed()) {
        out.println("  replies:    " + replies(verdict));
      }
    }
    out.println("policy: " + loaded.origin() + " (replies: " + loaded.policy().replies() + ")");
  }

  static String replies(ConnectionVerdict verdict) {
    if (verdict.mode() == ReplyMode.STATEFUL) {
      return "leave (stateful mode: the replies of an admitted connection always leave)";
    }
    Flow reply = new Flow(Direction.OUTBOUND, verdict.flow().protocol(), verdict.flow().remote(), verdict.flow().port());
    Decision data = verdict.data();
    if (data.allowed()) {
      return "leave (filtered mode: " + reply + " is allowed by " + data.decidedBy() + ")";
    }
    return "BLOCKED (filtered mode: " + reply + " is " + data.action().pastTense() + " by " + data.decidedBy()
        + "): the client connects but receives nothing";
  }

  private Map<String, Object> toJson(PolicySource.Loaded loaded, List<PortSpec> specs, List<ConnectionVerdict> verdicts) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("policy", loaded.origin());
    root.put("replies", loaded.policy().replies().toString());
    root.put("port", port);
    root.put("means", specs.stream().map(PortSpec::toString).toList());
    List<Object> results = new ArrayList<>();
    for (ConnectionVerdict verdict : verdicts) {
      Map<String, Object> result = new LinkedHashMap<>();
      Flow flow = verdict.flow();
      result.put("direction", flow.direction().toString());
      result.put("protocol", flow.protocol().toString());
      result.put("port", flow.protocol() == Protocol.ICMP ? null : flow.port());
      result.put("remote", flow.remote().toString());
      result.putAll(Json.decision(verdict.open(), flow));
      if (flow.direction() == Direction.INBOUND && verdict.open().allowed()) {
        Map<String, Object> replies = new LinkedHashMap<>();
        replies.put("leave", verdict.data().allowed());
        replies.put("mode", verdict.mode().toString());
        if (verdict.mode() == ReplyMode.FILTERED) {
          Flow reply = new Flow(Direction.OUTBOUND, flow.protocol(), flow.remote(), flow.port());
          replies.putAll(Json.decision(verdict.data(), reply));
        }
        result.put("replies", replies);
      }
      results.add(result);
    }
    root.put("results", results);
    return root;
  }
}
