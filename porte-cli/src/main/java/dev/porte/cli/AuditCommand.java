package dev.porte.cli;

import dev.porte.core.error.PorteException;
import dev.porte.core.model.Policy;
import dev.porte.nft.Audit;
import dev.porte.nft.KernelFirewall;
import dev.porte.nft.ListeningSocket;
import dev.porte.nft.Nft;
import dev.porte.nft.ProcScanner;
import dev.porte.nft.StateDir;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code porte audit}: the host's listening sockets against the policy. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the listening TCP and UDP sockets of this host (from /proc, with the owning process where",
      "readable) and says for each whether the policy lets clients reach it; then the ports the policy",
      "allows where nothing listens, and (as root) other nftables tables hooked where porte is."
    },
    footer = {"", "Example:", "  sudo porte audit --policy /etc/porte/porte.yaml"})
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PolicySource source;

  @Override
  public Integer call() {
    PolicySource.Loaded loaded = source.load();
    Policy policy = loaded.policy();
    List<ListeningSocket> sockets = new ProcScanner(Path.of("/proc")).listening();
    PrintWriter out = spec.commandLine().getOut();
    out.println("policy: " + loaded.origin() + "; " + Audit.modeNote(policy));
    Audit.report(policy, sockets).forEach(out::println);
    try {
      KernelFirewall kernel = new KernelFirewall(Nft.locate(), StateDir.fromEnvironment(System.getenv()), Clock.systemUTC());
      List<String> others = kernel.status().otherHooks();
      if (!others.isEmpty()) {
        out.println("other tables at input/forward/output (they can drop what porte allows, but cannot accept what porte drops):");
        others.forEach(h -> out.println("  " + h));
      }
    } catch (PorteException e) {
      out.println("(other nftables tables not checked: " + e.getMessage() + ")");
    }
    return 0;
  }
}
