package dev.porte.cli;

import dev.porte.core.error.PorteException;
import java.io.PrintWriter;
import java.security.Security;
import picocli.CommandLine;

/** The {@code porte} executable: runs a command and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    shortDnsCache();
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    Logs.flush();
    System.exit(code);
  }

  /**
   * The JVM keeps a name it looked up for 30 s, and a name that did not resolve for 10 s (the
   * JDK's java.security sets that one), which would hide a backend that moved or appeared for that
   * long after the gateway looks again ({@code --resolve-interval}). porte looks names up only at
   * a policy load and at that interval, so an answer is kept one second. {@code
   * -Dsun.net.inetaddr.ttl} and {@code -Dsun.net.inetaddr.negative.ttl} still set them, and so does
   * a {@code networkaddress.cache.ttl} put in java.security. Runs before the first lookup, which
   * fixes the JVM's cache policy.
   */
  private static void shortDnsCache() {
    if (Security.getProperty("networkaddress.cache.ttl") == null && System.getProperty("sun.net.inetaddr.ttl") == null) {
      Security.setProperty("networkaddress.cache.ttl", "1");
    }
    if (System.getProperty("sun.net.inetaddr.negative.ttl") == null) {
      Security.setProperty("networkaddress.cache.negative.ttl", "1");
    }
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
