package dev.porte.cli;

import dev.porte.nft.StateDir;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code porte confirm}: keeps the ruleset that 'apply --confirm' put in force. */
@Command(
    name = "confirm",
    mixinStandardHelpOptions = true,
    description = "Keeps the ruleset applied with 'apply --confirm': the automatic revert is called off.",
    footer = {"", "Exit codes: 0 confirmed, 1 nothing was waiting for a confirmation."})
final class ConfirmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    StateDir state = StateDir.fromEnvironment(System.getenv());
    var pending = state.pending();
    if (pending.isEmpty() || !state.clearPending()) {
      spec.commandLine().getOut().println("nothing to confirm: no 'apply --confirm' is waiting");
      return 1;
    }
    spec.commandLine().getOut().println("confirmed: the ruleset stays (the revert due at " + pending.get().deadline() + " is off)");
    return 0;
  }
}
