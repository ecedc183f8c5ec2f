package dev.porte.cli;

import dev.porte.core.error.PorteException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code porte} executable: runs a command and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs porte in-process, as the tests do: 0 ok/allow, 1 deny or warnings, 2 bad input, 3 I/O. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new PorteCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setParameterExceptionHandler(Main::usage);
    // "porte port -1" asks about port -1; it is not an unknown option.
    cli.getSubcommands().get("port").setUnmatchedOptionsArePositionalParams(true);
    return cli.execute(args);
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    if (e instanceof PorteException) {
      PorteException porte = (PorteException) e;
      cli.getErr().println("porte: " + porte.getMessage());
      return porte.code().exitCode();
    }
    throw new IllegalStateException(e);
  }

  private static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    String command = cli.getCommandSpec().qualifiedName(" ");
    cli.getErr().println("porte: " + e.getMessage() + " (see '" + command + " --help')");
    return CommandLine.ExitCode.USAGE;
  }
}
