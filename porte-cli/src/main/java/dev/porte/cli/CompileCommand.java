package dev.porte.cli;

import dev.porte.core.model.Policy;
import dev.porte.nft.IptablesCompiler;
import dev.porte.nft.IptablesRules;
import dev.porte.nft.NftCompiler;
import dev.porte.nft.NftScript;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code porte compile}: prints the kernel ruleset the policy becomes, without applying it. */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the ruleset the policy compiles to: an nft script for one table, inet porte",
      "(load it with 'nft -f'), or iptables-restore and ip6tables-restore input."
    },
    footer = {
      "",
      "Examples:",
      "  porte compile --policy porte.yaml > porte.nft && nft -c -f porte.nft",
      "  porte compile --target iptables"
    })
final class CompileCommand implements Callable<Integer> {
  /** What the policy is compiled for. */
  enum Target { nft, iptables }

  @Spec CommandSpec spec;

  @Mixin PolicySource source;

  @Option(names = "--target", paramLabel = "nft|iptables", defaultValue = "nft",
      description = "nft (default) or iptables (an iptables-restore file, then an ip6tables-restore file).")
  Target target;

  @Override
  public Integer call() {
    Policy policy = source.load().policy();
    PrintWriter out = spec.commandLine().getOut();
    if (target == Target.nft) {
      out.print(NftScript.write(NftCompiler.compile(policy)));
    } else {
      IptablesRules rules = IptablesCompiler.compile(policy);
      out.println("# ==== iptables-restore (IPv4) ====");
      out.print(rules.v4());
      out.println("# ==== ip6tables-restore (IPv6) ====");
      out.print(rules.v6());
    }
    out.flush();
    return 0;
  }
}
