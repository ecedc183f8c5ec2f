package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's story and the verdict law, checked with clients nobody here wrote (curl, ncat, nmap)
 * against porte's table loaded into a real kernel in a throwaway network namespace.
 */
class ScenarioIT {
  private static Lab lab;
  private static Path webRoot;

  @BeforeAll
  static void up() throws IOException {
    lab = Lab.create();
    Tools.requireTools("curl", "ncat", "nmap");
    webRoot = Files.createTempDirectory("porte-web");
    Files.writeString(webRoot.resolve("download.txt"), "porte-download\n");
    // A web server on 80 (the seed's HTTP) and greeting servers standing in for sshd, MySQL and friends.
    lab.background(List.of("ip", "netns", "exec", lab.host, "python3", "-u", "-m", "http.server", "80",
        "--bind", "::", "--directory", webRoot.toString()), "Serving HTTP");
    lab.serve(lab.host, List.of("22", "2222", "3306", "3307", "5000/udp", "5001/udp", "5002/udp"));
  }

  @AfterAll
  static void down() throws IOException {
    if (lab != null) {
      lab.close();
    }
    if (webRoot != null) {
      Files.deleteIfExists(webRoot.resolve("download.txt"));
      Files.deleteIfExists(webRoot);
    }
  }

  private static void load(String yaml) {
    Policy policy = Policies.parser().parse(yaml, "porte.yaml");
    lab.load(NftScript.write(NftCompiler.compile(policy)));
  }

  private static Tools.Result curl(String url) {
    return lab.exec(lab.client, 20, "curl", "-sS", "-v", "-g", "--max-time", "2", url);
  }

  /** nmap -sT's view of host ports: "open", "closed" (refused) or "filtered" (no answer). */
  private static String nmap(String target, String ports) {
    return nmapPorts(target, List.of("-sT", "-p", ports));
  }

  private static String nmapPorts(String target, List<String> scan) {
    List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.client, "nmap"));
    cmd.addAll(scan);
    cmd.addAll(List.of("-Pn", "-n", "--max-retries", "1", "--host-timeout", "20s", "-oG", "-", target));
    if (target.contains(":")) {
      cmd.add("-6");
    }
    String out = Tools.ok(cmd, 40);
    Matcher m = Pattern.compile("Ports: (.*?)(\\t|$)", Pattern.MULTILINE).matcher(out);
    assertThat(m.find()).as("nmap output:\n" + out).isTrue();
    return m.group(1);
  }

  /** nmap -sU's view: "open" (answered), "open|filtered" (silence) or "closed" (ICMP port unreachable). */
  private static String nmapUdp(String target, String ports) {
    return nmapPorts(target, List.of("-sU", "-p", ports));
  }

  /** Whether an ICMP echo request gets its reply (nmap's ping, without ARP/ND discovery). */
  private static boolean pingAnswered(String target) {
    List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.client, "nmap", "-sn", "-PE",
        "--disable-arp-ping", "-n", "--max-retries", "1", "-oG", "-", target));
    if (target.contains(":")) {
      cmd.add("-6");
    }
    return Tools.ok(cmd, 40).contains("Status: Up");
  }

  /**
   * ncat -u sends one datagram and prints what comes back until a second passes in silence. Its
   * input stays open a little longer: at the end of its input ncat stops at once, answer or not.
   */
  private static Tools.Result udp(String target, int port) {
    return lab.exec(lab.client, 20, "sh", "-c", "(printf 'porte\\n'; sleep 1.2) | ncat -u -w 1 -i 1 " + target + " " + port);
  }

  private static Tools.Result ncat(String source, String target, int port) {
    return lab.exec(lab.client, 20, "ncat", "-s", source, "-w", "1", "-i", "1", "--recv-only", target, Integer.toString(port));
  }

  @Test
  void seedFilteredModeConnectsButTheDownloadFails() {
    load("replies: filtered\ninbound:\n  - allow: http\noutbound:\n  - deny: 80/tcp\n");
    assertThat(nmap(Lab.HOST4, "22,80")).contains("22/filtered/tcp").contains("80/open/tcp");
    Tools.Result download = curl("http://" + Lab.HOST4 + "/download.txt");
    assertThat(download.err()).contains("Connected to " + Lab.HOST4);
    assertThat(download.exit()).as(download.err()).isEqualTo(28); // curl: operation timed out
    assertThat(download.out()).doesNotContain("porte-download");
    // The listener on 22 does exist: from inside the host (loopback, always allowed) it answers.
    Tools.Result local = lab.exec(lab.host, 10, "ncat", "-w", "1", "-i", "1", "--recv-only", "127.0.0.1", "22");
    assertThat(local.out()).contains("porte");
  }

  @Test
  void seedStatefulModeDownloads() {
    load("replies: stateful\ninbound:\n  - allow: http\noutbound:\n  - deny: 80/tcp\n");
    Tools.Result download = curl("http://" + Lab.HOST4 + "/download.txt");
    assertThat(download.exit()).as(download.err()).isZero();
    assertThat(download.out()).isEqualTo("porte-download\n");
    assertThat(nmap(Lab.HOST4, "22")).contains("22/filtered/tcp");
  }

  @Test
  void rejectRefusesAtOnceWhileDenyTimesOut() {
    load("inbound:\n  - reject: 3306\n  - deny: 3307\n");
    long t0 = System.nanoTime();
    Tools.Result rejected = ncat(Lab.CLIENT4.get(0), Lab.HOST4, 3306);
    long rejectMillis = (System.nanoTime() - t0) / 1_000_000;
    t0 = System.nanoTime();
    Tools.Result denied = ncat(Lab.CLIENT4.get(0), Lab.HOST4, 3307);
    long denyMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(rejected.err()).contains("Connection refused");
    assertThat(rejectMillis).isLessThan(900);
    assertThat(denied.err()).contains("TIMEOUT");
    assertThat(denyMillis).isGreaterThanOrEqualTo(900);
    assertThat(nmap(Lab.HOST4, "3306,3307")).contains("3306/closed/tcp").contains("3307/filtered/tcp");
    assertThat(nmap(Lab.HOST6, "3306,3307")).contains("3306/closed/tcp").contains("3307/filtered/tcp");
  }

  @Test
  void ipv6RulesOpenOnlyForIpv6Clients() {
    load("replies: stateful\ninbound:\n  - allow: http\n    from: \"fd00:231::/64\"\n");
    Tools.Result v6 = curl("http://[" + Lab.HOST6 + "]/download.txt");
    assertThat(v6.exit()).as(v6.err()).isZero();
    assertThat(v6.out()).isEqualTo("porte-download\n");
    Tools.Result v4 = curl("http://" + Lab.HOST4 + "/download.txt");
    assertThat(v4.exit()).isEqualTo(28);
    assertThat(v4.err()).doesNotContain("Connected to");
  }

  @Test
  void addressGroupsAdmitOnlyTheirMembers() {
    load("groups:\n  office: [10.231.0.10, \"fd00:231::10\"]\ninbound:\n  - allow: 2222\n    from: office\n");
    assertThat(ncat(Lab.CLIENT4.get(0), Lab.HOST4, 2222).out()).contains("porte");
    assertThat(ncat(Lab.CLIENT6.get(0), Lab.HOST6, 2222).out()).contains("porte");
    assertThat(ncat(Lab.CLIENT4.get(1), Lab.HOST4, 2222).err()).contains("TIMEOUT");
    assertThat(ncat(Lab.CLIENT6.get(1), Lab.HOST6, 2222).err()).contains("TIMEOUT");
  }

  @Test
  void lowerPriorityNumberWinsAndBlockWinsAtEqualPriority() {
    load(String.join("\n",
        "inbound:",
        "  - allow: 2222",
        "    from: 10.231.0.10",
        "    priority: 10",
        "  - reject: 2222",
        "  - allow: 22",
        "  - deny: 22",
        "    from: 10.231.0.10",
        ""));
    assertThat(ncat(Lab.CLIENT4.get(0), Lab.HOST4, 2222).out()).contains("porte");
    assertThat(ncat(Lab.CLIENT4.get(1), Lab.HOST4, 2222).err()).contains("Connection refused");
    assertThat(ncat(Lab.CLIENT4.get(0), Lab.HOST4, 22).err()).contains("TIMEOUT");
    assertThat(ncat(Lab.CLIENT4.get(1), Lab.HOST4, 22).out()).contains("porte");
  }

  @Test
  void udpAllowDenyRejectAsNmapAndNcatSeeThem() {
    load("inbound:\n  - allow: 5000/udp\n  - deny: 5001/udp\n  - reject: 5002/udp\n");
    assertThat(nmapUdp(Lab.HOST4, "5000-5002"))
        .contains("5000/open/udp").contains("5001/open|filtered/udp").contains("5002/closed/udp");
    assertThat(nmapUdp(Lab.HOST6, "5000-5002"))
        .contains("5000/open/udp").contains("5001/open|filtered/udp").contains("5002/closed/udp");
    assertThat(udp(Lab.HOST4, 5000).out()).isEqualTo("porte\n");
    assertThat(udp(Lab.HOST4, 5001).out()).isEmpty();
    assertThat(udp(Lab.HOST4, 5002).err()).contains("Connection refused");
  }

  @Test
  void udpAnswerObeysTheOutboundRulesInFilteredModeOnly() {
    load("replies: filtered\ninbound:\n  - allow: 5000/udp\noutbound:\n  - deny: 5000/udp\n");
    assertThat(nmapUdp(Lab.HOST4, "5000")).contains("5000/open|filtered/udp");
    assertThat(udp(Lab.HOST4, 5000).out()).isEmpty();
    load("replies: stateful\ninbound:\n  - allow: 5000/udp\noutbound:\n  - deny: 5000/udp\n");
    assertThat(nmapUdp(Lab.HOST4, "5000")).contains("5000/open/udp");
    assertThat(udp(Lab.HOST4, 5000).out()).isEqualTo("porte\n");
  }

  @Test
  void pingNeedsAnIcmpRuleAndInFilteredModeAnOutboundOne() {
    load("inbound:\n  - allow: 22\n");
    assertThat(pingAnswered(Lab.HOST4)).as("no icmp rule: inbound default deny").isFalse();
    assertThat(pingAnswered(Lab.HOST6)).isFalse();
    load("inbound:\n  - allow: icmp\n");
    assertThat(pingAnswered(Lab.HOST4)).isTrue();
    assertThat(pingAnswered(Lab.HOST6)).as("ICMPv6 echo, with neighbour discovery always allowed").isTrue();
    load("replies: filtered\ninbound:\n  - allow: icmp\noutbound:\n  - deny: icmp\n");
    assertThat(pingAnswered(Lab.HOST4)).as("filtered: the echo reply is data leaving, denied").isFalse();
    load("replies: stateful\ninbound:\n  - allow: icmp\noutbound:\n  - deny: icmp\n");
    assertThat(pingAnswered(Lab.HOST4)).isTrue();
  }
}
