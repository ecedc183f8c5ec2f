package dev.porte.cli;

import dev.porte.core.lint.LintWarning;
import dev.porte.core.model.Policy;
import dev.porte.core.model.ReplyMode;
import dev.porte.core.policy.Policies;
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
import picocli.CommandLine.Spec;

/** {@code porte lint}: where the policy contradicts itself or exposes what it should not. */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Warns where the policy contradicts itself: inbound ports whose replies the outbound rules block",
      "in filtered mode, rules that can never decide, duplicates, SSH or database ports open to the",
      "whole internet, and allowed ports where no service is defined."
    },
    footer = {
      "",
      "Examples:",
      "  porte lint",
      "  porte lint --policy /etc/porte/porte.yaml --json",
      "",
      "Exit code: 0 when clean, 1 when there are warnings, 2 when the policy does not validate."
    })
final class LintCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PolicySource source;

  @Option(names = "--json", description = "Print the warnings as JSON.")
  boolean json;

  @Override
  public Integer call() {
    PolicySource.Loaded loaded = source.load();
    Policy policy = loaded.policy();
    List<LintWarning> warnings = Policies.linter().lint(policy);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("policy", loaded.origin());
      root.put("replies", policy.replies().toString());
      List<Object> list = new ArrayList<>();
      for (LintWarning warning : warnings) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("kind", warning.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        item.put("file", warning.location().file());
        item.put("line", warning.location().isKnown() ? warning.location().line() : null);
        item.put("message", warning.message());
        list.add(item);
      }
      root.put("warnings", list);
      out.println(Json.write(root));
    } else {
      out.println(loaded.origin() + ": " + policy.rules().size() + " rules, replies: " + policy.replies() + " — " + modeGloss(policy.replies()));
      warnings.forEach(out::println);
      out.println(warnings.isEmpty() ? "no warnings" : warnings.size() + (warnings.size() == 1 ? " warning" : " warnings"));
    }
    return warnings.isEmpty() ? 0 : 1;
  }

  static String modeGloss(ReplyMode mode) {
    return mode == ReplyMode.FILTERED
        ? "data leaving on an inbound connection must pass the outbound rules"
        : "the replies of an admitted connection always leave";
  }
}
