package dev.porte.cli;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.DurationText;
import dev.porte.nft.KernelFirewall;
import dev.porte.nft.Nft;
import dev.porte.nft.StateDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code porte apply}: puts the policy into the kernel as table inet porte, atomically. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Applies the policy to the kernel as one nftables transaction on table inet porte (no other table",
      "is touched), reads it back to verify, and remembers it for 'status' and 'rollback'.",
      "If nft refuses the ruleset, the previous table stays in force."
    },
    footer = {
      "",
      "Examples:",
      "  sudo porte apply --policy /etc/porte/porte.yaml",
      "  sudo porte apply --confirm 60s      # reverts by itself unless 'porte confirm' follows",
      "",
      "State: /var/lib/porte, or $PORTE_STATE_DIR. Exit codes: 0 applied, 2 bad input, not root, no nft,",
      "or it would cut your SSH session; 4 nft refused the ruleset."
    })
final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PolicySource source;

  @Option(names = "--confirm", paramLabel = "DURATION",
      description = "Revert to the previous ruleset after DURATION (60s, 5m; 1s to 1d) unless 'porte confirm' comes first.")
  String confirm;

  @Option(names = "--force",
      description = "Apply even if it would cut the SSH session this runs from, or replace a table changed by hand.")
  boolean force;

  @Override
  public Integer call() {
    PolicySource.Loaded loaded = source.load();
    Duration wait = confirm == null ? null
        : DurationText.parse("--confirm", confirm, Duration.ofSeconds(1), Duration.ofDays(1));
    if (!force) {
      KernelFirewall.checkSsh(loaded.policy(), System.getenv("SSH_CONNECTION"));
    }
    KernelFirewall kernel = new KernelFirewall(Nft.locate(), StateDir.fromEnvironment(System.getenv()), Clock.systemUTC());
    if (!force) {
      kernel.refuseDrift();
    }
    KernelFirewall.Applied applied = kernel.apply(loaded.policy(), policyText(loaded), loaded.origin(), wait);
    PrintWriter out = spec.commandLine().getOut();
    out.println("applied " + loaded.origin() + " (sha256 " + applied.applied().sha256().substring(0, 12) + ") as table inet porte: "
        + applied.kernelRules() + " kernel rules, " + applied.sets() + " named sets; replies: " + loaded.policy().replies());
    if (applied.confirmBy() != null) {
      out.println("run 'porte confirm' before " + applied.confirmBy() + " or the previous ruleset comes back");
    }
    return 0;
  }

  private static String policyText(PolicySource.Loaded loaded) {
    if (loaded.builtIn()) {
      return "";
    }
    try {
      return Files.readString(Path.of(loaded.origin()));
    } catch (IOException e) {
      throw new PorteException(ErrorCode.IO, "cannot read " + loaded.origin() + ": " + e.getMessage(), e);
    }
  }
}
