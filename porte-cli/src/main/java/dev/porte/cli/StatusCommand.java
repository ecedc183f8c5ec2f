package dev.porte.cli;

import dev.porte.nft.KernelFirewall;
import dev.porte.nft.Nft;
import dev.porte.nft.StateDir;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code porte status}: what porte applied, since when, and whether the kernel still holds it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {"Shows the applied policy (file, sha256, time, reply mode), whether the kernel's table",
      "inet porte still matches it (drift), a pending confirmation, and other tables hooked where porte is."},
    footer = {"", "Exit codes: 0 in force as applied, 1 drift or nothing applied, 2 not root or no nft."})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--hits", description = {"Also show, for each rule of the applied policy and each default, the packets and bytes",
      "the kernel counted since the apply; rules that never matched are marked."})
  boolean hits;

  @Override
  public Integer call() {
    KernelFirewall kernel = new KernelFirewall(Nft.locate(), StateDir.fromEnvironment(System.getenv()), Clock.systemUTC());
    KernelFirewall.Status status = kernel.status();
    PrintWriter out = spec.commandLine().getOut();
    if (status.applied().isEmpty()) {
      out.println("porte has applied nothing here" + (status.tablePresent() ? " (but a table inet porte exists)" : ""));
    } else {
      StateDir.Applied a = status.applied().get();
      out.println("applied: " + a.origin() + " (sha256 " + a.sha256() + ") at " + a.appliedAt() + "; replies: " + a.replies());
      if (!status.tablePresent()) {
        out.println("DRIFT: table inet porte is gone from the kernel (deleted by hand?); 'porte apply' puts it back");
      } else if (status.drift()) {
        out.println("DRIFT: table inet porte differs from what porte applied (changed by hand?)");
      } else {
        out.println("kernel: table inet porte matches what porte applied");
      }
    }
    status.pending().ifPresent(p -> out.println("waiting for 'porte confirm' until " + p.deadline() + ", else it reverts"));
    if (status.otherHooks().isEmpty()) {
      out.println("other tables at input/forward/output: none");
    } else {
      out.println("other tables at input/forward/output (they can drop what porte allows, but cannot accept what porte drops):");
      status.otherHooks().forEach(h -> out.println("  " + h));
    }
    if (hits && status.applied().isPresent() && !status.drift()) {
      out.println("hits since " + status.applied().get().appliedAt() + " (inbound and outbound: packets that open connections;"
          + (status.applied().get().replies().equals("filtered") ? " outbound also: data leaving on inbound connections" : "")
          + "):");
      HitsTable.print(out, kernel.hits());
    } else if (hits) {
      out.println("hits: none to show, " + (status.applied().isEmpty() ? "porte has applied nothing here" : "the table drifted"));
    }
    return status.applied().isPresent() && !status.drift() ? 0 : 1;
  }
}
