package dev.porte.cli;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.Policies;
import dev.porte.gateway.AddressText;
import dev.porte.gateway.Gateway;
import dev.porte.gateway.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code porte demo}: the seed's story with real connections on loopback. It starts a web server
 * and an SSH-like banner server, porte's gateway in front of them, and real client sockets: the
 * circle client gets the page; the diamond client is refused at 22 although the SSH server runs;
 * then outbound 80 is denied (a real reload) and the circle client gets in but downloads nothing.
 *
 * <p>Loopback is always allowed (DESIGN.md), so the clients connect from 127.0.0.2 and 127.0.0.3
 * and the gateway judges them as the seed's two outside addresses.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Tells the seed's story (a port is a door) with real connections through porte's gateway on loopback.",
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
          + "  80: { to: 127.0.0.1:${WEB} }   # the web server\n"
          + "  22: { to: 127.0.0.1:${SSH} }   # sshd runs too, but no rule opens its door\n";

  static final String NO_DOWNLOAD =
      "outbound:\n"
          + "  - deny: 80/tcp\n"
          + "    comment: nothing may leave through port 80\n";

  private static final String CIRCLE_LOCAL = "127.0.0.2";
  private static final String DIAMOND_LOCAL = "127.0.0.3";
  static final IpAddress CIRCLE = IpAddress.parse("198.51.100.7");
  static final IpAddress DIAMOND = IpAddress.parse("203.0.113.9");

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (SampleBackends backends = new SampleBackends()) {
      String seedText = SEED_POLICY.replace("${WEB}", Integer.toString(backends.webPort()))
          .replace("${SSH}", Integer.toString(backends.sshPort()));
      Policy seed = Policies.parser().parse(seedText, "seed.yaml");
      Policy noDownload = Policies.parser().parse(seedText + NO_DOWNLOAD, "seed-no-download.yaml");
      Policy stateful = Policies.parser().parse(
          (seedText + NO_DOWNLOAD).replace("replies: filtered", "replies: stateful"), "seed-stateful.yaml");
      GatewayConfig config = GatewayConfig.builder()
          .bind(List.of(InetAddress.getLoopbackAddress()))
          .listenPort(port -> 0)
          .ioThreads(1)
          .clientAlias(Map.of(IpAddress.parse(CIRCLE_LOCAL), CIRCLE, IpAddress.parse(DIAMOND_LOCAL), DIAMOND))
          .build();
      try (Gateway gateway = Gateway.start(seed, config)) {
        InetSocketAddress door80 = gateway.address(Protocol.TCP, 80);
        InetSocketAddress door22 = gateway.address(Protocol.TCP, 22);
        if (door80 == null || door22 == null) {
          spec.commandLine().getErr().println("porte: the demo's gateway could not listen on loopback");
          return 3;
        }
        out.println("porte demo: every port is a door (real connections on loopback)");
        out.println();
        out.println("A client that knows only the host's IP address reaches the host, but the host cannot tell");
        out.println("what it wants. The port says which service: 80 is the web server, 22 is SSH.");
        out.println();
        out.println("Running now: a web server on 127.0.0.1:" + backends.webPort() + ", an SSH-like server on 127.0.0.1:"
            + backends.sshPort() + ", and porte's gateway (" + gateway.transportName() + ") in front of them:");
        out.println("door 80 listens on " + text(door80) + ", door 22 on " + text(door22) + ".");
        out.println("Loopback is always allowed, so the clients connect from " + CIRCLE_LOCAL + " and " + DIAMOND_LOCAL);
        out.println("and the gateway judges them as the circle client (" + CIRCLE + ") and the diamond client (" + DIAMOND + ").");
        out.println();
        out.println("The host's policy (seed.yaml):");
        seedText.lines().forEach(line -> out.println("  | " + line));
        out.println();

        out.println("1. The circle client (" + CIRCLE + ") knocks on door 80 and asks for the page.");
        tell(out, seed, Flow.inbound(Protocol.TCP, 80, CIRCLE));
        Outcome circle = get(CIRCLE_LOCAL, door80);
        out.println("   client: " + circle);
        boolean gotPage = circle.text.endsWith(SampleBackends.PAGE);
        out.println(gotPage ? "   => the circle client gets the web page." : "   => UNEXPECTED: no page.");
        out.println();

        out.println("2. The diamond client (" + DIAMOND + ") knocks on door 22. The SSH server is running behind it.");
        tell(out, seed, Flow.inbound(Protocol.TCP, 22, DIAMOND));
        Outcome diamond = listen(DIAMOND_LOCAL, door22);
        out.println("   client: " + diamond);
        boolean refused = diamond.bytes == 0 && diamond.closed;
        out.println(refused
            ? "   => refused: a port no rule opens stays closed, even when its service runs."
            : "   => UNEXPECTED: the diamond client got in.");
        out.println();

        out.println("3. The host now denies outbound 80; the gateway reloads the policy (seed-no-download.yaml adds):");
        NO_DOWNLOAD.lines().forEach(line -> out.println("  | " + line));
        gateway.reload(noDownload);
        tell(out, noDownload, Flow.inbound(Protocol.TCP, 80, CIRCLE));
        int requestsBefore = backends.webRequests.get();
        Outcome blocked = get(CIRCLE_LOCAL, door80);
        int reached = backends.webRequests.get() - requestsBefore;
        out.println("   client: " + blocked + "; the web server answered " + reached + " request(s)");
        boolean nothing = blocked.bytes == 0 && reached == 1;
        out.println(nothing
            ? "   => the circle client gets in through door 80, its request reaches the server, but it downloads nothing."
            : "   => UNEXPECTED: " + blocked.bytes + " bytes reached the client.");
        out.println();

        out.println("4. The same host in 'replies: stateful' mode, as ufw and AWS security groups behave:");
        out.println("  | replies: stateful");
        gateway.reload(stateful);
        tell(out, stateful, Flow.inbound(Protocol.TCP, 80, CIRCLE));
        Outcome again = get(CIRCLE_LOCAL, door80);
        out.println("   client: " + again);
        boolean statefulWorks = again.text.endsWith(SampleBackends.PAGE);
        out.println(statefulWorks
            ? "   => the replies of an admitted connection always leave: the download works again."
            : "   => UNEXPECTED: no page in stateful mode.");
        out.println();
        out.println("The gateway counted: " + gateway.metrics().admittedByPort() + " admitted, "
            + gateway.metrics().refusedByPort() + " refused, " + gateway.metrics().repliesBlocked() + " reply withheld.");
        out.println("Run it for your own host: porte gateway --policy porte.yaml");
        return gotPage && refused && nothing && statefulWorks ? 0 : 1;
      }
    }
  }

  private static void tell(PrintWriter out, Policy policy, Flow flow) {
    ConnectionVerdict verdict = DecisionEngine.compile(policy).connect(flow);
    out.println("   porte: " + flow + ": " + verdict.open().action().toString().toUpperCase(Locale.ROOT)
        + " (" + verdict.open().decidedBy() + ")");
    out.println("   why: " + verdict.open().why(flow));
    if (verdict.admitted()) {
      out.println("   replies: " + CheckCommand.replies(verdict));
    }
  }

  /** What a client saw. */
  private static final class Outcome {
    final int bytes;
    final boolean closed;
    final String text;
    final String note;

    Outcome(byte[] got, boolean closed, String note) {
      this.bytes = got.length;
      this.closed = closed;
      this.text = new String(got, StandardCharsets.UTF_8);
      this.note = note;
    }

    @Override
    public String toString() {
      String first = text.lines().findFirst().orElse("");
      return "received " + bytes + " bytes" + (bytes > 0 ? " (" + first + " ...)" : "") + ", " + note;
    }
  }

  private static Outcome get(String from, InetSocketAddress to) throws IOException {
    try (Socket s = connect(from, to)) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: porte-demo\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return read(s);
    }
  }

  private static Outcome listen(String from, InetSocketAddress to) throws IOException {
    try (Socket s = connect(from, to)) {
      return read(s);
    }
  }

  private static Outcome read(Socket s) throws IOException {
    try {
      byte[] got = s.getInputStream().readAllBytes();
      return new Outcome(got, true, "then the connection closed");
    } catch (SocketTimeoutException e) {
      return new Outcome(new byte[0], false, "and nothing more within 3 s");
    } catch (IOException e) {
      return new Outcome(new byte[0], true, "connection " + e.getMessage());
    }
  }

  private static Socket connect(String from, InetSocketAddress to) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(to, 3000);
    s.setSoTimeout(3000);
    return s;
  }

  private static String text(InetSocketAddress address) {
    return AddressText.of(address);
  }
}
