package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Golden files pin what {@code porte compile} prints for the DESIGN example, so a diff shows what a
 * compiler change does; the nft output is also checked by the kernel's own parser. To refresh a
 * golden file after an intended change: {@code ./porte compile --policy ../examples/porte.yaml} from
 * porte-cli.
 */
class CompileCommandTest {
  private static final String EXAMPLE = "../examples/porte.yaml";

  private static String golden(String name) throws IOException {
    try (InputStream in = CompileCommandTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void nftOutputOfTheDesignExampleMatchesTheGoldenFile() throws IOException {
    Cli cli = Cli.run("compile", "--policy", EXAMPLE);
    assertThat(cli.err()).isEmpty();
    assertThat(cli.exit()).isZero();
    assertThat(cli.out()).isEqualTo(golden("example.nft"));
  }

  @Test
  void iptablesOutputOfTheDesignExampleMatchesTheGoldenFile() throws IOException {
    Cli cli = Cli.run("compile", "--policy", EXAMPLE, "--target", "iptables");
    assertThat(cli.exit()).isZero();
    assertThat(cli.out()).isEqualTo(golden("example.iptables"));
  }

  @Test
  void unknownTargetIsAUsageError() {
    Cli cli = Cli.run("compile", "--policy", EXAMPLE, "--target", "pf");
    assertThat(cli.exit()).isEqualTo(2);
    assertThat(cli.err()).contains("Invalid value for option '--target'", "expected one of [nft, iptables]", "'pf'");
  }

  @Test
  void invalidPolicyIsNamedWithItsLineAndNothingIsPrinted() throws IOException {
    Path bad = Files.createTempFile("porte", ".yaml");
    try {
      Files.writeString(bad, "inbound:\n  - allow: 70000\n");
      Cli cli = Cli.run("compile", "--policy", bad.toString());
      assertThat(cli.exit()).isEqualTo(2);
      assertThat(cli.out()).isEmpty();
      assertThat(cli.err()).contains(":2:").contains("70000");
    } finally {
      Files.deleteIfExists(bad);
    }
  }

  @Test
  void theKernelParserAcceptsTheOutput() throws Exception {
    boolean nft = Files.isExecutable(Path.of("/usr/sbin/nft")) || Files.isExecutable(Path.of("/sbin/nft"));
    if (!nft) {
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true but nft is not installed: nft -c -f must check the compiled ruleset");
      }
      assumeTrue(false, "skipped: nft is not installed (set CI=true to make this a failure)");
    }
    Path script = Files.createTempFile("porte", ".nft");
    try {
      Files.writeString(script, Cli.run("compile", "--policy", EXAMPLE).out());
      Process p = new ProcessBuilder("unshare", "-rn", "nft", "-c", "-f", script.toString()).redirectErrorStream(true).start();
      String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(said).isZero();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
