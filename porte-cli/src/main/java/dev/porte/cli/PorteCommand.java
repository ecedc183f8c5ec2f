package dev.porte.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top command: lists the commands when run alone. */
@Command(
    name = "porte",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Every port is a door: porte decides which doors of this host are open, to whom,",
      "and in which direction data may pass."
    },
    subcommands = {
      PortCommand.class,
      CheckCommand.class,
      LintCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      CompileCommand.class,
      ApplyCommand.class,
      ConfirmCommand.class,
      RollbackCommand.class,
      StatusCommand.class,
      AuditCommand.class,
      GatewayCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Without --policy, commands read ./porte.yaml, else ${XDG_CONFIG_HOME:-~/.config}/porte/porte.yaml,",
      "else use the built-in defaults (inbound deny, outbound allow, replies filtered).",
      "Exit codes: 0 allowed/ok, 1 denied or warnings, 2 bad input, 3 unreadable file."
    })
final class PorteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
