package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * examples/porte-gateway.service must not rot: its command line parses as porte's own, with values
 * porte accepts, and its stop timeout outlasts what porte's stop may take.
 */
class ExampleServiceUnitTest {
  private static final Path UNIT = Path.of("..", "examples", "porte-gateway.service");

  private static String setting(List<String> lines, String key) {
    return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + "= in " + UNIT));
  }

  @Test
  void itsCommandLineIsOneThatPorteAccepts() throws IOException {
    List<String> unit = Files.readAllLines(UNIT);
    List<String> exec = Arrays.asList(setting(unit, "ExecStart").split(" "));
    List<String> args = exec.subList(exec.indexOf("/opt/porte/porte.jar") + 1, exec.size());
    assertThat(args.get(0)).isEqualTo("gateway");

    CommandLine cli = new CommandLine(new PorteCommand());
    CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
    GatewayCommand gateway = parsed.subcommand().commandSpec().commandLine().getCommand();
    gateway.gateway.builder(gateway.gateway.listen).build(); // throws on a value porte refuses
    assertThat(gateway.gateway.drain().toSeconds()).isEqualTo(20);
    assertThat(Long.parseLong(setting(unit, "TimeoutStopSec"))).as("systemd waits longer than the JVM's exit")
        .isGreaterThan(ShutdownSignal.GRACE.toSeconds());
    assertThat(setting(unit, "RestartPreventExitStatus")).isEqualTo(Integer.toString(
        dev.porte.core.error.ErrorCode.USAGE.exitCode()));
  }
}
