package dev.porte.cli;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.Evaluator;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.Policies;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code porte demo}: the seed's story, told by the decision engine. A host serves HTTP on 80 and
 * SSH on 22; only 80 is open; the circle client gets the page, the diamond client is refused at
 * 22 although sshd runs; then outbound 80 is denied and the circle client gets in but downloads
 * nothing. The policies are real policy files, read by the same parser as any other.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Tells the seed's story (a port is a door) with porte's decision engine.",
    footer = {"", "Example:", "  porte demo"})
final class DemoCommand implements Callable<Integer> {
  static final String SEED_POLICY =
      "# The seed's host: every inbound port closed but 80; everything may leave.\n"
          + "defaults: { inbound: deny, outbound: allow }\n"
          + "replies: filtered\n"
          + "inbound:\n"
          + "  - allow: http\n"
          + "    comment: the web server is the one door open to clients\n"
          + "services:\n"
          + "  80: { to: 127.0.0.1:8080 }   # the web server\n"
          + "  22: { to: 127.0.0.1:2222 }   # sshd runs too, but no rule opens its door\n";

  static final String NO_DOWNLOAD_POLICY =
      SEED_POLICY
          + "outbound:\n"
          + "  - deny: 80/tcp\n"
          + "    comment: nothing may leave through port 80\n";

  private static final IpAddress CIRCLE = IpAddress.parse("198.51.100.7");
  private static final IpAddress DIAMOND = IpAddress.parse("203.0.113.9");

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Policy seed = Policies.parser().parse(SEED_POLICY, "seed.yaml");
    Policy noDownload = Policies.parser().parse(NO_DOWNLOAD_POLICY, "seed-no-download.yaml");
    Evaluator host = DecisionEngine.compile(seed);
    Evaluator strictHost = DecisionEngine.compile(noDownload);

    out.println("porte demo: every port is a door");
    out.println();
    out.println("A client that knows only the host's IP address reaches the host, but the host cannot tell");
    out.println("what it wants. The port says which service: 80 is the web server, 22 is SSH.");
    out.println();
    out.println("The host's policy (seed.yaml):");
    SEED_POLICY.lines().forEach(line -> out.println("  | " + line));
    out.println();

    out.println("1. The circle client (" + CIRCLE + ") knocks on door 80.");
    ConnectionVerdict circle = host.connect(Flow.inbound(Protocol.TCP, 80, CIRCLE));
    tell(out, circle);
    out.println("   => the circle client gets the web page.");
    out.println();

    out.println("2. The diamond client (" + DIAMOND + ") knocks on door 22. sshd is running behind it.");
    ConnectionVerdict diamond = host.connect(Flow.inbound(Protocol.TCP, 22, DIAMOND));
    tell(out, diamond);
    out.println("   => refused: a port no rule opens stays closed, even when its service runs.");
    out.println();

    out.println("3. The host now denies outbound 80 (seed-no-download.yaml adds):");
    NO_DOWNLOAD_POLICY.substring(SEED_POLICY.length()).lines().forEach(line -> out.println("  | " + line));
    ConnectionVerdict blocked = strictHost.connect(Flow.inbound(Protocol.TCP, 80, CIRCLE));
    tell(out, blocked);
    out.println("   => the circle client gets in through door 80 but downloads nothing.");
    out.println();
    out.println("4. The same host in 'replies: stateful' mode, as ufw and AWS security groups behave:");
    out.println("  | replies: stateful");
    Policy stateful = Policies.parser().parse(NO_DOWNLOAD_POLICY.replace("replies: filtered", "replies: stateful"), "seed-stateful.yaml");
    ConnectionVerdict admittedReplies = DecisionEngine.compile(stateful).connect(Flow.inbound(Protocol.TCP, 80, CIRCLE));
    tell(out, admittedReplies);
    out.println("   => the replies of an admitted connection always leave: the download works again.");
    out.println();
    out.println("Ask porte about your own host: porte check inbound 22/tcp from 198.51.100.7 --policy porte.yaml");

    boolean storyHolds =
        circle.dataFlows() && !diamond.admitted() && blocked.admitted() && !blocked.dataFlows() && admittedReplies.dataFlows();
    return storyHolds ? 0 : 1;
  }

  private static void tell(PrintWriter out, ConnectionVerdict verdict) {
    Flow flow = verdict.flow();
    out.println("   " + flow + ": " + verdict.open().action().toString().toUpperCase(java.util.Locale.ROOT)
        + " (" + verdict.open().decidedBy() + ")");
    out.println("   why: " + verdict.open().why(flow));
    if (verdict.admitted()) {
      out.println("   replies: " + CheckCommand.replies(verdict));
    }
  }
}
