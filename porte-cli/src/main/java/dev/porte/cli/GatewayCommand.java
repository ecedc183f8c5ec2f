package dev.porte.cli;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Policy;
import dev.porte.core.model.DurationText;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ProxyHeader;
import dev.porte.core.model.ServiceBinding;
import dev.porte.core.policy.Policies;
import dev.porte.gateway.AddressText;
import dev.porte.gateway.Gateway;
import dev.porte.gateway.GatewayConfig;
import dev.porte.gateway.GatewayMetrics;
import dev.porte.gateway.PolicyReloader;
import dev.porte.gateway.UnresolvedBackend;
import dev.porte.gateway.Unserved;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code porte gateway}: runs the userspace gateway in the foreground until SIGINT or SIGTERM,
 * reloading the policy on SIGHUP and when its file changes. Without a policy file it serves a
 * built-in example (two sample services on unprivileged ports, on loopback) and says so.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Listens on the ports of the policy's services and relays what the policy admits to their backends.",
      "Runs until Ctrl-C or SIGTERM. SIGHUP or an edit of the policy file reloads it; an invalid file is rejected and the running policy stays."
    },
    footer = {"", "Examples:", "  porte gateway", "  porte gateway --policy porte.yaml --port-offset 10000",
        "  porte gateway --listen 127.0.0.1 --client-alias 127.0.0.2=198.51.100.7"})
final class GatewayCommand implements Callable<Integer> {
  static final String BUILT_IN_POLICY =
      "# porte's built-in example: no policy file was found.\n"
          + "defaults: { inbound: deny, outbound: allow }\n"
          + "replies: filtered\n"
          + "inbound:\n"
          + "  - allow: 8080/tcp\n"
          + "    comment: the sample web server is open\n"
          + "services:\n"
          + "  8080: { to: 127.0.0.1:${WEB} }   # a sample web server, in-process\n"
          + "  2222: { to: 127.0.0.1:${SSH} }   # a sample SSH banner; no rule opens it\n";

  @Mixin PolicySource source;

  @Mixin GatewayOptions gateway;

  @Option(names = "--stop-after", paramLabel = "SECONDS", hidden = true,
      description = "Stop by itself after this many seconds (tests).")
  @Nullable Integer stopAfter;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    GatewayOptions.servingDefaults();
    gateway.check();
    PrintWriter out = spec.commandLine().getOut();
    PolicySource.Loaded loaded = source.load();
    // Sample servers stand behind the built-in example only; a policy file names its own backends.
    SampleBackends samples = loaded.builtIn() ? new SampleBackends() : null;
    Policy policy = loaded.policy();
    List<String> bind = gateway.listen;
    if (samples != null) {
      String text = BUILT_IN_POLICY.replace("${WEB}", Integer.toString(samples.webPort()))
          .replace("${SSH}", Integer.toString(samples.sshPort()));
      policy = Policies.parser().parse(text, "built-in example");
      if (bind.isEmpty()) {
        bind = List.of("127.0.0.1");
      }
      out.println("porte gateway: no policy file found (" + loaded.origin() + "); serving the built-in example:");
      text.lines().forEach(line -> out.println("  | " + line));
      out.println("Loopback clients are always allowed; from another host 8080 is open and 2222 is closed.");
      out.println("Write a porte.yaml (see examples/porte.yaml) and pass --policy to serve your own.");
    } else if (policy.services().isEmpty()) {
      throw new PorteException(ErrorCode.USAGE, loaded.origin() + " has no services: nothing for the gateway to serve "
          + "(add e.g. 'services: { 80: { to: 127.0.0.1:8080 } }')");
    }
    GatewayConfig config = gateway.builder(bind).build();
    try (ShutdownSignal shutdown = new ShutdownSignal("porte-shutdown");
        samples;
        Gateway gateway = Gateway.start(policy, config);
        PolicyReloader reloader = loaded.builtIn() ? null : new PolicyReloader(gateway, Path.of(loaded.origin()))) {
      printListeners(out, gateway, "  ");
      if (!gateway.servesAnything()) {
        // As HAProxy and nginx do when no listener binds: a gateway with no door open would run
        // for nothing, and a service manager would take it for healthy.
        List<Unserved> failed = gateway.unserved();
        // A service on a loop or past 65535 says its remedy in its reason; the hint is for the binds that failed.
        List<Unserved> binds = failed.stream().filter(u -> u.kind() == Unserved.Kind.BIND_FAILED).toList();
        String hint = binds.isEmpty() ? "" : remedy(binds);
        throw new PorteException(ErrorCode.PORT_UNAVAILABLE, "cannot listen on any service port: "
            + failed.stream().map(Unserved::text).collect(Collectors.joining("; ")) + hint);
      }
      if (reloader != null) {
        reloader.watch(Duration.ofSeconds(2));
        Signals.onHangup(reloader::reloadNow);
        out.println("porte gateway: serving " + loaded.origin() + "; SIGHUP or editing it reloads; Ctrl-C stops.");
      } else {
        out.println("porte gateway: serving; Ctrl-C stops.");
      }
      out.flush();
      shutdown.await(stopAfter == null ? null : Duration.ofSeconds(stopAfter));
      this.gateway.drain(gateway, out, shutdown);
      out.println("porte gateway: stopping (" + summary(gateway.metrics()) + ")");
    }
    return 0;
  }

  /** What to do when none of {@code binds} succeeded, in parentheses after a space. */
  private static String remedy(List<Unserved> binds) {
    if (binds.stream().allMatch(u -> u.reason().contains(Gateway.NOT_OURS))) {
      return " (--listen takes addresses this host has: see 'ip -brief address', or leave --listen out to listen on all; "
          + "for a virtual IP that moves between hosts, set net.ipv4.ip_nonlocal_bind=1, as for HAProxy)";
    }
    boolean refused = binds.stream().allMatch(u -> u.reason().contains("Permission denied"));
    String them = binds.size() == 1 ? "it" : "them";
    return (refused ? " (run as root or grant CAP_NET_BIND_SERVICE, " : " (stop what holds " + them + ", ")
        + "or move porte's ports with --port-offset or --listen)";
  }

  /**
   * What the gateway did, for its last line: {@code 12 admitted, 3 refused, 2 over a cap, 4 backend
   * dials retried, 5120 bytes served}; the caps and the retries only when they happened, as
   * something to look into.
   */
  static String summary(GatewayMetrics metrics) {
    StringBuilder said = new StringBuilder();
    said.append(metrics.admitted()).append(" admitted, ").append(metrics.refused()).append(" refused, ");
    if (metrics.limited() > 0) {
      said.append(metrics.limited()).append(" over a cap, ");
    }
    if (metrics.backendRetries() > 0) {
      said.append(metrics.backendRetries()).append(metrics.backendRetries() == 1 ? " backend dial" : " backend dials")
          .append(" retried, ");
    }
    return said.append(metrics.bytesOut()).append(" bytes served").toString();
  }

  /** One line per service and protocol: where the gateway listens for it, or that it could not. */
  static void printListeners(PrintWriter out, Gateway gateway, String prefix) {
    List<Unserved> unserved = gateway.unserved();
    List<UnresolvedBackend> unresolved = gateway.unresolvedBackends();
    for (ServiceBinding s : gateway.policy().services()) {
      for (Protocol p : s.protocols()) {
        InetSocketAddress at = gateway.address(p, s.port());
        String header = s.proxy() == ProxyHeader.NONE ? "" : " (PROXY " + s.proxy() + " header)";
        String idle = s.idle() == null ? "" : " (idle " + DurationText.format(s.idle()) + ")";
        String tcp = p == Protocol.TCP ? tcpSettings(s) : "";
        String state = at == null ? "NOT SERVED" + why(unserved, p, s.port())
            : "listening on " + AddressText.of(at)
                + (unresolved.contains(new UnresolvedBackend(p, s.port(), s.backend()))
                    ? ", but the backend's name does not resolve: its clients are closed until it does" : "");
        out.println(prefix + s.port() + "/" + p + " -> " + s.backend() + header + idle + tcp + ": " + state);
      }
    }
  }

  /** What a service sets for its TCP connections: {@code (at most 150 connections) (connect timeout 2s) (retries 1)}. */
  private static String tcpSettings(ServiceBinding s) {
    return (s.maxConnections() == null ? "" : " (at most " + s.maxConnections() + " connections)")
        + (s.connectTimeout() == null ? "" : " (connect timeout " + DurationText.format(s.connectTimeout()) + ")")
        + (s.retries() == null ? "" : " (retries " + s.retries() + ")");
  }

  /** {@code ": Address already in use"}: why the first address of a service is not served, if known. */
  private static String why(List<Unserved> unserved, Protocol protocol, int port) {
    return unserved.stream().filter(u -> u.protocol() == protocol && u.servicePort() == port).findFirst()
        .map(u -> ": " + u.reason()).orElse(" (see the log)");
  }
}
