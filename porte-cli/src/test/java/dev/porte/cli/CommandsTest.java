package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandsTest {
  @TempDir Path dir;

  @Test
  void noArgumentsListsTheCommands() {
    Cli result = Cli.run();
    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("port").contains("check").contains("lint").contains("demo").contains("Every port is a door");
  }

  @ParameterizedTest
  @ValueSource(strings = {"port", "check", "lint", "demo", "serve", "gateway"})
  void everyCommandHasHelpWithAnExample(String command) {
    Cli result = Cli.run(command, "--help");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("Usage: porte " + command).contains("Example").contains("porte " + command);
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Cli result = Cli.run("allowz");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("allowz");
  }

  @Test
  void demoTellsTheSeedsStoryWithRealConnections() {
    Cli result = Cli.run("demo");
    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    assertThat(result.out())
        .contains("porte: inbound 80/tcp from 198.51.100.7: ALLOW (seed.yaml line 5)")
        .containsPattern("client: received [1-9][0-9]* bytes \\(HTTP/1.1 200 OK")
        .contains("=> the circle client gets the web page.")
        .contains("porte: inbound 22/tcp from 203.0.113.9: DENY (default policy)")
        .contains("client: received 0 bytes, then the connection closed\n   => refused")
        .contains("BLOCKED (filtered mode: outbound 80/tcp to 198.51.100.7 is denied by seed-no-download.yaml line 11)")
        .contains("client: received 0 bytes, then the connection closed; the web server answered 1 request(s)")
        .contains("downloads nothing")
        .contains("4. The same host in 'replies: stateful' mode")
        .contains("the download works again")
        .doesNotContain("UNEXPECTED");
  }

  @Test
  void lintReportsWarningsWithLinesAndExitsOne() throws IOException {
    Path file = dir.resolve("porte.yaml");
    Files.writeString(file, "inbound:\n  - allow: 22/tcp\n  - allow: 80/tcp\noutbound:\n  - deny: 80/tcp\n");
    Cli result = Cli.run("lint", "--policy", file.toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out())
        .contains("replies: filtered")
        .contains(file + ":2: warning [exposed]: ssh (22/tcp, remote administration) is open to the whole internet")
        .contains(file + ":3: warning [replies-blocked]: inbound 80/tcp is allowed but in filtered mode")
        .contains("2 warnings");
  }

  @Test
  void aCleanPolicyLintsClean() throws IOException {
    Path file = dir.resolve("porte.yaml");
    Files.writeString(file, "inbound:\n  - allow: 443/tcp\n  - allow: ssh\n    from: 203.0.113.0/24\n");
    Cli result = Cli.run("lint", "--policy", file.toString());
    assertThat(result.exit()).as(result.out()).isZero();
    assertThat(result.out()).contains("no warnings");
  }

  @Test
  void withoutPolicyTheLocalFileThenTheUsersFileThenTheDefaults() throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path config = dir.resolve("config");
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", config.toString());
    PolicySource source = new PolicySource();

    PolicySource.Loaded builtIn = source.load(env, work);
    assertThat(builtIn.builtIn()).isTrue();
    assertThat(builtIn.origin()).contains("built-in defaults").contains(config.resolve("porte/porte.yaml").toString());

    Files.createDirectories(config.resolve("porte"));
    Files.writeString(config.resolve("porte/porte.yaml"), "inbound:\n  - allow: 443/tcp\n");
    assertThat(source.load(env, work).origin()).isEqualTo(config.resolve("porte/porte.yaml").toString());

    Files.writeString(work.resolve("porte.yaml"), "inbound:\n  - allow: 80/tcp\n");
    PolicySource.Loaded local = source.load(env, work);
    assertThat(local.origin()).isEqualTo(work.resolve("porte.yaml").toString());
    assertThat(local.policy().rules()).hasSize(1);

    assertThat(PolicySource.userPolicy(Map.of("HOME", "/home/op"))).isEqualTo(Path.of("/home/op/.config/porte/porte.yaml"));
  }
}
