package dev.porte.nft;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two network namespaces joined by a veth pair: "host" (where porte's table is loaded and the
 * servers listen) and "client" (with eight IPv4 and eight IPv6 addresses, so that address rules can
 * be told apart). Everything is created inside the namespaces — the machine's own namespace is
 * never touched — and removed by {@link #close()}; namespaces left by a crashed run are removed by
 * {@link #removeStale()}.
 */
final class Lab implements AutoCloseable {
  static final String HOST4 = "10.231.0.1";
  static final String HOST6 = "fd00:231::1";
  static final List<String> CLIENT4 = addresses("10.231.0.", 10);
  static final List<String> CLIENT6 = addresses("fd00:231::", 10);

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Pattern OURS = Pattern.compile("porte-it-(\\d+)-\\d+[a-z]");

  final String host;
  final String client;
  private final List<Process> started = new ArrayList<>();
  private final Path scripts;

  private Lab(String host, String client, Path scripts) {
    this.host = host;
    this.client = client;
    this.scripts = scripts;
  }

  private static List<String> addresses(String prefix, int first) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      out.add(prefix + (first + i));
    }
    return List.copyOf(out);
  }

  /** Skips (or fails in CI) unless we are root with ip, nft and python3; then builds a lab. */
  static Lab create() {
    Tools.require(Tools.isRoot(), "not root (id -u != 0): network namespaces need root");
    Tools.requireTools("ip", "nft", "python3");
    removeStale();
    String base = "porte-it-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    Lab lab;
    try {
      Path dir = Files.createTempDirectory("porte-lab");
      for (String name : List.of("server.py", "probe.py")) {
        try (var in = Lab.class.getResourceAsStream("/netns/" + name)) {
          Files.write(dir.resolve(name), in.readAllBytes());
        }
      }
      lab = new Lab(base + "h", base + "c", dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      lab.build();
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private void build() {
    ip("netns", "add", host);
    ip("netns", "add", client);
    for (String ns : List.of(host, client)) {
      // Before the veth exists, so that it inherits it: its link-local address needs no duplicate
      // address detection either (the lab's own addresses are added with nodad).
      Tools.ok(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
          "net.ipv6.conf.default.accept_dad=0"), 20);
    }
    // The pair is created inside the host namespace, its peer moved straight into the client's.
    ip("-n", host, "link", "add", "veth-h", "type", "veth", "peer", "name", "veth-c", "netns", client);
    ip("-n", host, "addr", "add", HOST4 + "/24", "dev", "veth-h");
    ip("-n", host, "addr", "add", HOST6 + "/64", "dev", "veth-h", "nodad");
    for (String a : CLIENT4) {
      ip("-n", client, "addr", "add", a + "/24", "dev", "veth-c");
    }
    for (String a : CLIENT6) {
      ip("-n", client, "addr", "add", a + "/64", "dev", "veth-c", "nodad");
    }
    for (String ns : List.of(host, client)) {
      ip("-n", ns, "link", "set", "lo", "up");
    }
    ip("-n", host, "link", "set", "veth-h", "up");
    ip("-n", client, "link", "set", "veth-c", "up");
    awaitIpv6(host, "veth-h");
    awaitIpv6(client, "veth-c");
    for (String ns : List.of(host, client)) {
      // Namespace-local settings. The kernel rate-limits ICMP errors (a few per peer, then one a
      // second), which would turn the UDP and ICMP rejects of a burst of probes into timeouts;
      // ping sockets (probe.py's ICMP probes) need the group range to admit root.
      Tools.ok(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.icmp_ratemask=0",
          "net.ipv6.icmp.ratemask=", "net.ipv6.icmp.ratelimit=0", "net.ipv4.ping_group_range=0 2147483647"), 20);
    }
  }

  /**
   * Waits until IPv6 runs on {@code dev}. The kernel starts IPv6 on a link only once it has seen
   * the carrier come up, which it learns up to a second later; until then neighbour solicitations
   * go unanswered, the first IPv6 probes of a test would time out (a neighbour is asked again only
   * after a second), and a correct firewall would look wrong. The sign that it runs is the link's
   * link-local address, which appears only then.
   */
  private static void awaitIpv6(String ns, String dev) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Tools.Result last;
    do {
      last = Tools.run(List.of("ip", "-n", ns, "-6", "addr", "show", "dev", dev, "scope", "link"), 10);
      if (last.out().contains("inet6 fe80") && !last.out().contains("tentative")) {
        return;
      }
      try {
        // A poll, bounded by the deadline: the change is announced only on a netlink monitor, and
        // 50 ms keeps the wait within a step of it (about a second in all, once per lab).
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for IPv6 on " + dev, e);
      }
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException("IPv6 did not come up on " + dev + " in namespace " + ns + " within 10 s; ip said: "
        + (last.out() + last.err()).strip());
  }

  private final List<String> extra = new ArrayList<>();

  /** One more namespace ("a container"), removed with the lab; returns its name. */
  String addNamespace(char suffix) {
    String name = host.substring(0, host.length() - 1) + suffix;
    ip("netns", "add", name);
    extra.add(name);
    ip("-n", name, "link", "set", "lo", "up");
    return name;
  }

  static void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Tools.ok(cmd, 20);
  }

  /** Runs a command inside namespace {@code ns} and returns its result. */
  Tools.Result exec(String ns, int timeoutSeconds, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(command));
    return Tools.run(cmd, timeoutSeconds);
  }

  /** Loads an nft script in the host namespace; fails with nft's message if refused. */
  void load(String script) {
    loadFile(script, ".nft", "nft", "-f");
  }

  /**
   * Loads an iptables rendering in the host namespace (both families) instead of porte's nft
   * table, which is removed first: the two must not judge the same packets.
   */
  void loadIptables(IptablesRules rules) {
    Tools.require(Tools.onPath("iptables-restore") && Tools.onPath("ip6tables-restore"), "'iptables-restore' is not installed");
    exec(host, 30, "nft", "delete", "table", NftCompiler.FAMILY, NftCompiler.TABLE); // absent the first time
    loadFile(rules.v4(), ".v4", "iptables-restore");
    loadFile(rules.v6(), ".v6", "ip6tables-restore");
  }

  /**
   * Forgets the connections the kernel tracks in both namespaces (both families), so that the next
   * probes are all new flows. A flow an earlier ruleset admitted stays admitted under the next one,
   * as it should on a real host; a probe that happened to reuse such a flow's addresses and ports
   * would then pass a ruleset that refuses new flows (a UDP probe did, once in several CI runs).
   */
  void forgetConnections() {
    Tools.requireTools("conntrack");
    for (String ns : List.of(host, client)) {
      for (String family : List.of("ipv4", "ipv6")) {
        Tools.Result r = exec(ns, 30, "conntrack", "-F", "-f", family);
        if (r.exit() != 0) {
          throw new AssertionError("conntrack -F -f " + family + " failed in " + ns + ": " + r.err());
        }
      }
    }
  }

  /** Removes what {@link #loadIptables} loaded, so that an nft table alone judges again. */
  void clearIptables() {
    for (String tool : List.of("iptables", "ip6tables")) {
      if (Tools.onPath(tool)) {
        exec(host, 30, tool, "-F");
        exec(host, 30, tool, "-X");
      }
    }
  }

  private void loadFile(String text, String suffix, String... command) {
    try {
      Path file = Files.createTempFile(scripts, "ruleset", suffix);
      Files.writeString(file, text);
      List<String> cmd = new ArrayList<>(List.of(command));
      cmd.add(file.toString());
      Tools.Result r = exec(host, 30, cmd.toArray(String[]::new));
      if (r.exit() != 0) {
        throw new AssertionError(command[0] + " refused the ruleset:\n" + r.err() + "\n" + text);
      }
      Files.delete(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the test server in {@code ns} on the given ports and waits until it listens. */
  void serve(String ns, List<String> ports) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", scripts.resolve("server.py").toString()));
    cmd.addAll(ports);
    background(cmd, "ready");
  }

  /** Starts a long-running process and waits until it prints {@code readyLine} on its stdout. */
  Process background(List<String> cmd, String readyLine) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      started.add(p);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith(readyLine)) {
        throw new IllegalStateException("did not start: " + cmd + " said " + line);
      }
      return p;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs probe.py in {@code ns}: each input line "id source destination port [tcp|udp|icmp]",
   * outcomes ("refused", "timeout", "data", "nodata") by id.
   */
  java.util.Map<String, String> probe(String ns, List<String> lines, double connectTimeout, double dataTimeout) {
    try {
      Path input = Files.createTempFile(scripts, "probes", ".txt");
      Files.write(input, lines);
      Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", scripts.resolve("probe.py").toString(),
          Double.toString(connectTimeout), Double.toString(dataTimeout))
          .redirectInput(input.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError("probe.py failed in " + ns + ":\n" + out);
      }
      Files.delete(input);
      java.util.Map<String, String> results = new java.util.HashMap<>();
      for (String line : out.split("\n")) {
        String[] parts = line.trim().split(" ");
        if (parts.length == 2) {
          results.put(parts[0], parts[1]);
        }
      }
      return results;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (Process p : started) {
      // Our own children, by handle: the ip-netns-exec'd server and whatever it became.
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> all = new ArrayList<>(List.of(host, client));
    all.addAll(extra);
    for (String ns : all) {
      Tools.run(List.of("ip", "netns", "del", ns), 20);
    }
    try (var files = Files.list(scripts)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(scripts);
    } catch (IOException e) {
      // A leftover temp file harms nothing; the namespaces above are what matters.
    }
  }

  /** Removes namespaces named by this test whose creating process is gone. */
  static void removeStale() {
    Tools.Result r = Tools.run(List.of("ip", "netns", "list"), 20);
    for (String line : r.out().split("\n")) {
      String name = line.trim().split(" ")[0];
      Matcher m = OURS.matcher(name);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false) == false) {
        Tools.run(List.of("ip", "netns", "del", name), 20);
      }
    }
  }
}
