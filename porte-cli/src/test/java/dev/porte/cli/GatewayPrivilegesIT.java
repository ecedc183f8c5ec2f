package dev.porte.cli;

import static dev.porte.cli.ApplyIT.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.cli.ApplyIT.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where {@code porte gateway} listens for a privileged service port when it does not run as root,
 * as the kernel decides it: the packaged jar runs as nobody (setpriv) in a network namespace the
 * test creates, whose loopback it brings up and whose {@code ip_unprivileged_port_start} it may
 * lower, so that nothing of this machine's own network changes. Needs root, ip and setpriv; skipped
 * without them, except in CI (CI=true), where that is a failure.
 */
final class GatewayPrivilegesIT {
  private String ns;
  private Path dir;

  @BeforeEach
  void up() throws Exception {
    RootLab.require((Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")))
        && (Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"))),
        "ip or setpriv", "the privilege tests");
    ns = "porte-priv-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;
    assertThat(exec(List.of("ip", "netns", "add", ns), Map.of()).exit()).isZero();
    assertThat(exec(List.of("ip", "-n", ns, "link", "set", "lo", "up"), Map.of()).exit()).isZero();
    // The packaged jar and the policy where nobody can read them (the build lives under root's home).
    dir = Files.createTempDirectory("porte-nobody");
    Files.copy(Path.of("target", "porte.jar"), dir.resolve("porte.jar"));
    Files.writeString(dir.resolve("porte.yaml"), "inbound:\n  - allow: 80/tcp\nservices:\n  80: { to: 127.0.0.1:8080 }\n");
    for (Path p : List.of(dir, dir.resolve("porte.jar"), dir.resolve("porte.yaml"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }
  }

  @AfterEach
  void down() throws Exception {
    if (ns == null) {
      return;
    }
    exec(List.of("ip", "netns", "del", ns), Map.of());
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** Runs the gateway in the namespace as nobody, with {@code capabilities} added to setpriv, for a second. */
  private Run gatewayAsNobody(String... capabilities) throws Exception {
    Run run = tryGatewayAsNobody(capabilities);
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    return run;
  }

  private Run tryGatewayAsNobody(String... capabilities) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "setpriv", "--reuid=65534", "--regid=65534",
        "--clear-groups"));
    cmd.addAll(List.of(capabilities));
    cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-jar", dir.resolve("porte.jar").toString(),
        "gateway", "--policy", dir.resolve("porte.yaml").toString(), "--listen", "127.0.0.1", "--stop-after", "1"));
    return exec(cmd, Map.of("HOME", dir.toString()));
  }

  @Test
  void withoutTheCapabilityAPrivilegedPortIsServedTenThousandHigherAndSaysWhy() throws Exception {
    Run run = gatewayAsNobody();
    assertThat(run.out()).contains("80/tcp -> 127.0.0.1:8080: listening on 127.0.0.1:10080");
    assertThat(run.out() + run.err()).contains("port 80 is privileged here (below 1024) and porte lacks CAP_NET_BIND_SERVICE");
  }

  @Test
  void withCapNetBindServiceTheServicePortItselfIsServed() throws Exception {
    // What systemd's AmbientCapabilities=CAP_NET_BIND_SERVICE gives a service user.
    Run run = gatewayAsNobody("--inh-caps=+net_bind_service", "--ambient-caps=+net_bind_service");
    assertThat(run.out()).contains("80/tcp -> 127.0.0.1:8080: listening on 127.0.0.1:80").doesNotContain("10080");
  }

  @Test
  void whereTheNamespaceLetsAnyoneBindLowPortsTheServicePortItselfIsServed() throws Exception {
    // As in a Docker container, where ip_unprivileged_port_start is 0.
    setUnprivilegedPortStart(0);
    Run run = gatewayAsNobody();
    assertThat(run.out()).contains("80/tcp -> 127.0.0.1:8080: listening on 127.0.0.1:80").doesNotContain("10080");
  }

  @Test
  void whenNotEvenTheHigherPortMayBeBoundItSaysWhatWouldHelpAndExits2() throws Exception {
    setUnprivilegedPortStart(20000);
    Run run = tryGatewayAsNobody();
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("porte: cannot listen on any service port: 80/tcp on 127.0.0.1:80: Permission denied "
        + "(run as root or grant CAP_NET_BIND_SERVICE, or move porte's ports with --port-offset or --listen)");
  }

  private void setUnprivilegedPortStart(int port) throws Exception {
    Run set = exec(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_unprivileged_port_start=" + port),
        Map.of());
    assertThat(set.exit()).as(set.err()).isZero();
  }
}
