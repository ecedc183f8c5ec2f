package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * apply, status, rollback and confirm, run as the real CLI in its own JVM inside a throwaway
 * network namespace (so the machine's own firewall is never touched), with a state directory of
 * its own.
 */
class ApplyIT {
  private String ns;
  private Path state;
  private Path first;
  private Path second;

  record Run(int exit, String out, String err) {}

  static Run exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Path out = Files.createTempFile("porte-it", ".out");
    Path err = Files.createTempFile("porte-it", ".err");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private Run porte(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, javaBinary(), "-cp", System.getProperty("java.class.path"),
        "dev.porte.cli.Main"));
    cmd.addAll(List.of(args));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("PORTE_STATE_DIR", state.toString());
    return exec(cmd, all);
  }

  private Run porte(String... args) throws Exception {
    return porte(Map.of(), args);
  }

  private String kernelTable() throws Exception {
    return exec(List.of("ip", "netns", "exec", ns, "nft", "list", "ruleset"), Map.of()).out();
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElseThrow();
  }

  @BeforeEach
  void up() throws Exception {
    RootLab.require(Files.isExecutable(Path.of("/usr/sbin/nft"))
        && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))), "nft or ip",
        "the apply tests");
    ns = "porte-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000 + "a";
    assertThat(exec(List.of("ip", "netns", "add", ns), Map.of()).exit()).isZero();
    state = Files.createTempDirectory("porte-state");
    first = Files.createTempFile("first", ".yaml");
    Files.writeString(first, "inbound:\n  - allow: 4101/tcp\n");
    second = Files.createTempFile("second", ".yaml");
    Files.writeString(second, "replies: stateful\ninbound:\n  - allow: 4202/tcp\n");
  }

  @AfterEach
  void down() throws Exception {
    if (ns == null) {
      return;
    }
    exec(List.of("ip", "netns", "del", ns), Map.of());
    try (var files = Files.list(state)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(state);
    Files.deleteIfExists(first);
    Files.deleteIfExists(second);
  }

  @Test
  void applyVerifiesAndStatusReportsItThenDriftWhenChangedByHand() throws Exception {
    Run applied = porte("apply", "--policy", first.toString());
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out()).startsWith("applied " + first).contains("as table inet porte");
    assertThat(kernelTable()).contains("table inet porte", "tcp dport 4101", "chain outbound_reply");
    Run status = porte("status", "--hits");
    assertThat(status.exit()).as(status.out() + status.err()).isZero();
    assertThat(status.out()).contains("applied: " + first, "matches what porte applied", "hits since ")
        .containsPattern(" 0 +0 +" + first.getFileName() + ":2 +inbound allow 4101/tcp +\\(never matched\\)")
        .containsPattern("\\d+ +\\d+ +default +inbound deny \\(no rule matched\\)");
    System.out.println(status.out()); // what an operator sees, in the test report
    assertThat(Files.readString(state.resolve("current.policy"))).isEqualTo("inbound:\n  - allow: 4101/tcp\n");

    exec(List.of("ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "porte", "inbound", "tcp", "dport", "9", "accept"), Map.of());
    Run drift = porte("status", "--hits");
    assertThat(drift.exit()).isEqualTo(1);
    assertThat(drift.out()).contains("DRIFT: table inet porte differs from what porte applied", "hits: none to show, the table drifted");

    // A new apply would throw the hand-made change away: refused, the kernel untouched.
    Run refused = porte("apply", "--policy", second.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err().strip()).startsWith("porte: refusing to apply: table inet porte was changed by hand since porte applied")
        .endsWith("the kernel is untouched. Use --force to replace it");
    assertThat(kernelTable()).contains("tcp dport 9", "tcp dport 4101").doesNotContain("tcp dport 4202");

    Run forced = porte("apply", "--policy", second.toString(), "--force");
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(kernelTable()).contains("tcp dport 4202").doesNotContain("tcp dport 9 ");
    assertThat(porte("status").out()).contains("matches what porte applied");
  }

  @Test
  void rollbackRestoresThePreviousPolicyAndForwardAgain() throws Exception {
    assertThat(porte("apply", "--policy", first.toString()).exit()).isZero();
    assertThat(porte("apply", "--policy", second.toString()).exit()).isZero();
    assertThat(kernelTable()).contains("tcp dport 4202").doesNotContain("tcp dport 4101");
    Run back = porte("rollback");
    assertThat(back.exit()).as(back.err()).isZero();
    assertThat(back.out()).contains("rolled back to " + first);
    assertThat(kernelTable()).contains("tcp dport 4101").doesNotContain("tcp dport 4202");
    assertThat(porte("status").out()).contains("applied: " + first, "matches what porte applied");
    assertThat(porte("rollback").exit()).isZero();
    assertThat(kernelTable()).contains("tcp dport 4202");
  }

  @Test
  void firstApplyRolledBackLeavesNoPorteTable() throws Exception {
    assertThat(porte("apply", "--policy", first.toString()).exit()).isZero();
    assertThat(porte("rollback").exit()).isZero();
    assertThat(kernelTable()).doesNotContain("table inet porte");
  }

  @Test
  void unconfirmedApplyRevertsByItselfAfterTheCliHasExited() throws Exception {
    assertThat(porte("apply", "--policy", first.toString()).exit()).isZero();
    Run applied = porte("apply", "--policy", second.toString(), "--confirm", "2s");
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("run 'porte confirm' before");
    assertThat(kernelTable()).contains("tcp dport 4202");
    assertThat(porte("status").out()).contains("waiting for 'porte confirm'");
    // The CLI process is gone; only the detached watchdog can revert now, and it says so after.
    Path log = state.resolve("watchdog.log");
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(kernelTable()).contains("tcp dport 4101").doesNotContain("tcp dport 4202");
      assertThat(Files.readString(log)).contains("reverted to the previous ruleset");
    });
  }

  @Test
  void confirmedApplyStays() throws Exception {
    assertThat(porte("apply", "--policy", first.toString()).exit()).isZero();
    assertThat(porte("apply", "--policy", second.toString(), "--confirm", "2s").exit()).isZero();
    Run confirmed = porte("confirm");
    assertThat(confirmed.exit()).isZero();
    assertThat(confirmed.out()).startsWith("confirmed: the ruleset stays");
    // Past the 2 s deadline the watchdog has woken, seen the confirmation, and left the table alone.
    Thread.sleep(4000);
    assertThat(kernelTable()).contains("tcp dport 4202");
    assertThat(porte("confirm").out()).contains("nothing to confirm");
  }

  @Test
  void refusesToCutTheSshSessionUnlessForced() throws Exception {
    Map<String, String> ssh = Map.of("SSH_CONNECTION", "198.51.100.7 51000 10.0.0.1 22");
    Run refused = porte(ssh, "apply", "--policy", first.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("porte: refusing to apply: it would cut this SSH session from 198.51.100.7 to port 22/tcp "
        + "(it is denied by default policy); fix the policy, or use --force (better with --confirm 60s)\n");
    assertThat(kernelTable()).doesNotContain("table inet porte");
    assertThat(porte(ssh, "apply", "--policy", first.toString(), "--force").exit()).isZero();
  }

  @Test
  void withoutRootItSaysSoInOneLineAndExits2() throws Exception {
    // A user namespace without a uid mapping: the CLI runs as "nobody".
    List<String> cmd = List.of("unshare", "-U", javaBinary(), "-cp", System.getProperty("java.class.path"), "dev.porte.cli.Main",
        "apply", "--policy", first.toString());
    Run run = exec(cmd, Map.of("PORTE_STATE_DIR", state.toString()));
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("porte: changing the kernel firewall needs root (run with sudo); nothing was changed\n");
  }

  @Test
  void auditJudgesTheNamespacesListenersAndNamesOtherTables() throws Exception {
    exec(List.of("ip", "netns", "exec", ns, "nft", "add table ip filter; add chain ip filter INPUT { type filter hook input priority 0; policy accept; }"), Map.of());
    Process listener = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c",
        "import socket, time\ns = socket.socket()\ns.bind(('0.0.0.0', 4101))\ns.listen()\nt = socket.socket()\n"
            + "t.bind(('0.0.0.0', 4555))\nt.listen()\nprint('ready', flush=True)\ntime.sleep(60)").redirectErrorStream(true).start();
    try {
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(listener.getInputStream())).readLine()).isEqualTo("ready");
      Run audit = porte("audit", "--policy", first.toString());
      assertThat(audit.exit()).as(audit.err()).isZero();
      assertThat(audit.out())
          .contains("4101/tcp python3 (pid " + listener.pid() + ") listens on 0.0.0.0 — inbound allowed by " + first + " line 2")
          .contains("4555/tcp python3 (pid " + listener.pid() + ") listens on 0.0.0.0 — inbound denied by default policy")
          .contains("table ip filter chain INPUT (hook input, priority 0, policy accept)");
    } finally {
      listener.destroy();
      listener.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void rollbackWithNothingBeforeIsAUsageError() throws Exception {
    Run run = porte("rollback");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("nothing to roll back to");
    assertThat(new String(Files.readAllBytes(first), StandardCharsets.UTF_8)).contains("4101");
  }

  /** What the CLI prints on stderr when the kernel backend cannot be used: exactly one line. */
  private static void assertOneLineExit2(Run run, String line) {
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines().toList()).containsExactly("porte: " + line);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void withoutNftEveryKernelCommandSaysSoInOneLineAndExits2() throws Exception {
    // A private mount namespace (inside the throwaway network namespace) in which every nft the
    // CLI could find is /dev/null, which is not executable: nft is missing for this process only.
    String hide = "for f in /usr/sbin/nft /sbin/nft /usr/bin/nft /bin/nft /usr/local/sbin/nft /usr/local/bin/nft; do "
        + "if [ -e \"$f\" ]; then mount --bind /dev/null \"$f\" || exit 97; fi; done; exec \"$@\"";
    for (List<String> args : List.of(List.of("apply", "--policy", first.toString()), List.of("status"), List.of("rollback"))) {
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "unshare", "--mount", "--propagation", "private",
          "sh", "-c", hide, "sh", javaBinary(), "-cp", System.getProperty("java.class.path"), "dev.porte.cli.Main"));
      cmd.addAll(args);
      Run run = exec(cmd, Map.of("PORTE_STATE_DIR", state.toString()));
      assertOneLineExit2(run, "nft is not installed (apt-get install nftables); nothing was changed");
    }
    assertThat(kernelTable()).doesNotContain("table inet porte");
  }

  @Test
  void withoutRootApplySaysSoInOneLineAndExits2() throws Exception {
    // The packaged jar and the policy in a directory the unprivileged user can read (the test
    // classpath lives under root's home).
    Path jar = Path.of("target", "porte.jar").toAbsolutePath();
    assertThat(jar).as("failsafe runs after package").exists();
    Path dir = Files.createTempDirectory("porte-nobody");
    try {
      Files.copy(jar, dir.resolve("porte.jar"));
      Files.copy(first, dir.resolve("porte.yaml"));
      for (Path p : List.of(dir, dir.resolve("porte.jar"), dir.resolve("porte.yaml"))) {
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
      Run run = exec(List.of("ip", "netns", "exec", ns, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          javaBinary(), "-jar", dir.resolve("porte.jar").toString(), "apply", "--policy", dir.resolve("porte.yaml").toString()),
          Map.of("PORTE_STATE_DIR", state.toString(), "HOME", dir.toString()));
      assertOneLineExit2(run, "changing the kernel firewall needs root (run with sudo); nothing was changed");
      assertThat(kernelTable()).doesNotContain("table inet porte");
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
