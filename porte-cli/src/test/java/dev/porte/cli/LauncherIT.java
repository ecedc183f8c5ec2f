package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code ./porte} launcher, run as a user runs it, against the jar this build
 * just packaged: real processes, real exit codes, real stdout and stderr.
 */
class LauncherIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private record Run(int exit, String out, String err) {}

  private static Run porte(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("porte").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("porte-out", ".txt");
    Path err = Files.createTempFile("porte-err", ".txt");
    Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("porte finished in time").isTrue();
    Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return run;
  }

  @Test
  void theLauncherRunsThePackagedJar() throws Exception {
    assertThat(ROOT.resolve("porte-cli/target/porte.jar")).exists();
    Run run = porte("port", "3306");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("mysql").contains("registered (1024-49151)");
    assertThat(run.err()).doesNotContain("building");
  }

  @Test
  void exitCodesReachTheShell() throws Exception {
    Run denied = porte("check", "--policy", "examples/porte.yaml", "inbound", "22/tcp", "from", "198.51.100.7");
    assertThat(denied.exit()).isEqualTo(1);
    assertThat(denied.out()).contains("DENY");

    Run bad = porte("port", "65536");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("porte: port out of range: 65536 (valid: 0-65535)");
  }

  @Test
  void theDemoTellsTheWholeStory() throws Exception {
    Run demo = porte("demo");
    assertThat(demo.exit()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("circle client").contains("diamond client").contains("downloads nothing");
  }
}
