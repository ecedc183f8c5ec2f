package dev.porte.cli;

import dev.porte.nft.KernelFirewall;
import dev.porte.nft.Nft;
import dev.porte.nft.StateDir;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code porte rollback}: puts the previous applied ruleset back. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {"Restores the ruleset porte applied before the current one (one nft transaction);",
      "run it again to go forward again."},
    footer = {"", "Exit codes: 0 restored, 2 nothing to roll back to, not root or no nft, 4 nft refused it."})
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    KernelFirewall kernel = new KernelFirewall(Nft.locate(), StateDir.fromEnvironment(System.getenv()), Clock.systemUTC());
    StateDir.Applied now = kernel.rollback();
    spec.commandLine().getOut().println("rolled back to " + now.origin() + " (applied " + now.appliedAt() + ")");
    return 0;
  }
}
