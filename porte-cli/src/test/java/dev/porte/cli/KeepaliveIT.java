package dev.porte.cli;

import static dev.porte.cli.ApplyIT.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porte.cli.ApplyIT.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client or a backend that vanishes without a word (its network gone: no FIN, no reset) is
 * noticed by the gateway's TCP keepalive and the connection closed on both sides, instead of being
 * held until the idle timeout. That needs a peer that stops answering, which loopback cannot give:
 * the test builds two network namespaces of its own joined by a veth pair, runs {@code porte
 * gateway} in one and the peer (an ncat client or backend) in the other, then takes the peer's
 * link down. Nothing of this machine's own network changes. Needs root, ip and ncat; skipped
 * without them, except in CI (CI=true), where that is a failure.
 */
final class KeepaliveIT {
  private static final String GATEWAY_ADDRESS = "10.233.0.1";
  private static final String PEER_ADDRESS = "10.233.0.2";

  @TempDir Path dir;
  private String gatewayNs;
  private String peerNs;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void up() throws Exception {
    RootLab.require(exec(List.of("sh", "-c", "command -v ip && command -v ncat"), Map.of()).exit() == 0, "ip or ncat",
        "the keepalive tests");
    String id = ProcessHandle.current().pid() % 10000 + "-" + System.nanoTime() % 1000;
    gatewayNs = "porte-ka-gw-" + id;
    peerNs = "porte-ka-pe-" + id;
    ip("netns", "add", gatewayNs);
    ip("netns", "add", peerNs);
    // Both ends are created inside the namespaces: the machine's own namespace never sees them.
    ip("-n", gatewayNs, "link", "add", "kagw", "type", "veth", "peer", "name", "kacl", "netns", peerNs);
    ip("-n", gatewayNs, "addr", "add", GATEWAY_ADDRESS + "/24", "dev", "kagw");
    ip("-n", peerNs, "addr", "add", PEER_ADDRESS + "/24", "dev", "kacl");
    for (String ns : List.of(gatewayNs, peerNs)) {
      ip("-n", ns, "link", "set", "lo", "up");
    }
    ip("-n", gatewayNs, "link", "set", "kagw", "up");
    ip("-n", peerNs, "link", "set", "kacl", "up");
  }

  @AfterEach
  void down() throws Exception {
    for (Process p : processes) {
      Processes.stop(p);
    }
    for (String ns : new String[] {gatewayNs, peerNs}) {
      if (ns != null) {
        exec(List.of("ip", "netns", "del", ns), Map.of());
      }
    }
  }

  @Test
  void aClientThatVanishesIsClosedWithinTheKeepaliveWindowAndItsBackendToo() throws Exception {
    start(dir.resolve("backend.log"), "ip", "netns", "exec", gatewayNs, "ncat", "-lk", "127.0.0.1", "18101");
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "inbound:\n  - allow: 18100/tcp\nservices:\n  18100: { to: 127.0.0.1:18101 }\n");
    Path log = dir.resolve("gateway.log");
    start(log, "ip", "netns", "exec", gatewayNs, javaBinary(), "-jar", Path.of("target/porte.jar").toAbsolutePath().toString(),
        "gateway", "--policy", policy.toString(), "--listen", GATEWAY_ADDRESS, "--tcp-keepalive", "1s");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("porte gateway: serving"));

    Process client = start(dir.resolve("client.log"), "ip", "netns", "exec", peerNs, "ncat", GATEWAY_ADDRESS, "18100");
    client.getOutputStream().write("hello\n".getBytes());
    client.getOutputStream().flush();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("backend.log")).contains("hello"));
    assertThat(backendConnections()).as("the backend holds the client's connection").isNotEmpty();

    // The client's network goes away: from here on, nothing it could say reaches the gateway.
    ip("-n", peerNs, "link", "set", "kacl", "down");
    long cut = System.nanoTime();
    // 1s of silence, then 6 probes 1s apart: closed after about 7s, where the idle timeout is 300s.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(log).contains("close "));
    Duration took = Duration.ofNanos(System.nanoTime() - cut);
    // Not at once (the probes closed it, not the link going down), and long before the idle timeout.
    assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(20));
    assertThat(Files.readString(log)).containsPattern("close .*client=" + PEER_ADDRESS.replace(".", "\\.")
        + ".*cause=client_error reason=\"client stopped answering \\(Connection timed out: keepalive probes or data "
        + "unacknowledged\\)\"");
    await().atMost(Duration.ofSeconds(5)).until(() -> backendConnections().isEmpty());
  }

  /**
   * A backend's host gone silent: the gateway's side of the backend connection gets keepalive once
   * it has been quiet 1s, and the client, which the gateway itself answers, is closed.
   */
  @Test
  void aBackendThatVanishesHasItsClientClosedWithinTheKeepaliveWindow() throws Exception {
    start(dir.resolve("backend.log"), "ip", "netns", "exec", peerNs, "ncat", "-lk", PEER_ADDRESS, "18101");
    Path policy = dir.resolve("porte.yaml");
    Files.writeString(policy, "services:\n  18100: { to: '" + PEER_ADDRESS + ":18101' }\n");
    Path log = dir.resolve("gateway.log");
    start(log, "ip", "netns", "exec", gatewayNs, javaBinary(), "-jar", Path.of("target/porte.jar").toAbsolutePath().toString(),
        "gateway", "--policy", policy.toString(), "--listen", "127.0.0.1", "--tcp-keepalive", "1s");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("porte gateway: serving"));

    // A loopback client: always allowed, and always there.
    Process client = start(dir.resolve("client.log"), "ip", "netns", "exec", gatewayNs, "ncat", "127.0.0.1", "18100");
    client.getOutputStream().write("hello\n".getBytes());
    client.getOutputStream().flush();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("backend.log")).contains("hello"));

    ip("-n", peerNs, "link", "set", "kacl", "down");
    long cut = System.nanoTime();
    // Probes from after 1s of quiet plus 1s, then 6 probes 1s apart: about 8s.
    await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(log).contains("close "));
    assertThat(Duration.ofNanos(System.nanoTime() - cut)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(25));
    assertThat(Files.readString(log)).containsPattern("close .*cause=backend_error reason=\"backend stopped answering "
        + "\\(Connection timed out: keepalive probes or data unacknowledged\\)\"");
    assertThat(client.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("the client sees its connection end").isTrue();
  }

  /** The backend's established connections, as ss lists them in the gateway's namespace. */
  private String backendConnections() throws Exception {
    Run run = exec(List.of("ip", "netns", "exec", gatewayNs, "ss", "-tnH", "state", "established", "( sport = :18101 )"),
        Map.of());
    return run.out().strip();
  }

  private Process start(Path output, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    processes.add(p);
    return p;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void ip(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Run run = exec(command, Map.of());
    assertThat(run.exit()).as(String.join(" ", command) + ": " + run.err()).isZero();
  }
}
