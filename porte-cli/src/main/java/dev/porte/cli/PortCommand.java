package dev.porte.cli;

import dev.porte.core.registry.PortLookup;
import dev.porte.core.registry.PortReport;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code porte port 3306} or {@code porte port mysql}: what the IANA registry says of a port. */
@Command(
    name = "port",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a port's number, protocols, IANA service names and descriptions, and its class",
      "(well-known 0-1023, registered 1024-49151, dynamic 49152-65535), looked up by number or name."
    },
    footer = {
      "",
      "Examples:",
      "  porte port 3306",
      "  porte port mysql",
      "  porte port 50000",
      "",
      "Data: the IANA Service Name and Transport Protocol Port Number Registry, shipped with porte."
    })
final class PortCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PORT|NAME", description = "a port number (0-65535) or a service name")
  String query;

  @Override
  public Integer call() {
    List<PortReport> reports = PortLookup.standard().lookup(query);
    String text = PortLookup.render(reports);
    spec.commandLine().getOut().print(text.endsWith("\n") ? text : text + "\n");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
