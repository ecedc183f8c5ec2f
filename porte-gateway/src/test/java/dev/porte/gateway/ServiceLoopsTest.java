package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Protocol;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ServiceLoopsTest {
  /** This host, for these tests: loopback, the wildcard, and one interface address. */
  private static final Predicate<InetAddress> HOST = a -> a.isLoopbackAddress() || a.isAnyLocalAddress()
      || a.getHostAddress().equals("192.0.2.10");

  private static Map<Integer, String> loops(String services, IntUnaryOperator listenPort, List<String> bind,
      Protocol protocol) {
    PolicySnapshot snapshot = PolicySnapshot.of(policy("services:\n" + services), BackendResolver.SYSTEM);
    return new ServiceLoops(listenPort, bind.stream().map(ServiceLoopsTest::address).toList(), HOST)
        .find(protocol, snapshot.services(protocol), b -> snapshot.backend(b).first());
  }

  private static Map<Integer, String> tcpLoops(String services, List<String> bind) {
    return loops(services, IntUnaryOperator.identity(), bind, Protocol.TCP);
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  @Test
  void aServiceWhoseBackendIsItsOwnListenerLoops() {
    assertThat(tcpLoops("  18555: { to: 127.0.0.1:18555 }\n", List.of())).containsExactly(Map.entry(18555,
        "its backend 127.0.0.1:18555 is this very listener: every connection would dial the gateway again, without end "
            + "(point 'to:' at the service itself)"));
  }

  @Test
  void everyAddressOfThisHostReachesTheWildcardListener() {
    // A bracketed IPv6 address is quoted: a bare [ starts a YAML list.
    for (String to : List.of("127.0.0.1:80", "127.0.0.7:80", "'[::1]:80'", "0.0.0.0:80", "192.0.2.10:80")) {
      assertThat(tcpLoops("  80: { to: " + to + " }\n", List.of())).as(to).containsOnlyKeys(80);
    }
    assertThat(tcpLoops("  80: { to: 198.51.100.7:80 }\n", List.of())).as("another host's port 80").isEmpty();
  }

  @Test
  void aListenerOnOneAddressIsReachedOnlyThere() {
    assertThat(tcpLoops("  80: { to: 127.0.0.1:80 }\n", List.of("127.0.0.1"))).containsOnlyKeys(80);
    assertThat(tcpLoops("  80: { to: 0.0.0.0:80 }\n", List.of("127.0.0.1"))).as("0.0.0.0 is 127.0.0.1").containsOnlyKeys(80);
    assertThat(tcpLoops("  80: { to: 0.0.0.0:80 }\n", List.of("127.0.0.2"))).as("not 127.0.0.2").isEmpty();
    assertThat(tcpLoops("  80: { to: '[::]:80' }\n", List.of("::1"))).as(":: is ::1").containsOnlyKeys(80);
    assertThat(tcpLoops("  80: { to: 127.0.0.2:80 }\n", List.of("127.0.0.1"))).isEmpty();
    assertThat(tcpLoops("  80: { to: 192.0.2.10:80 }\n", List.of("127.0.0.1", "::1"))).isEmpty();
    assertThat(tcpLoops("  80: { to: 192.0.2.10:80 }\n", List.of("0.0.0.0"))).containsOnlyKeys(80);
    assertThat(tcpLoops("  80: { to: '[::1]:80' }\n", List.of("0.0.0.0"))).as("0.0.0.0 takes IPv4 only").isEmpty();
    assertThat(tcpLoops("  80: { to: 127.0.0.1:80 }\n", List.of("::"))).as(":: takes both").containsOnlyKeys(80);
  }

  @Test
  void servicesThatLeadToEachOtherLoopTogether() {
    Map<Integer, String> loops = tcpLoops("  80: { to: 127.0.0.1:81 }\n  81: { to: 127.0.0.1:82 }\n"
        + "  82: { to: 127.0.0.1:80 }\n  83: { to: 127.0.0.1:80 }\n", List.of());
    assertThat(loops).as("83 leads into the loop but is not on it").containsOnlyKeys(80, 81, 82);
    assertThat(loops.get(80)).isEqualTo("its backend 127.0.0.1:81 is the gateway's own listener for 81/tcp, and the "
        + "backends lead round in a loop (80/tcp -> 81/tcp -> 82/tcp -> 80/tcp): every connection would dial the "
        + "gateway again, without end (point 'to:' at the service itself)");
  }

  @Test
  void aChainThatEndsAtARealServerIsNoLoop() {
    assertThat(tcpLoops("  80: { to: 127.0.0.1:81 }\n  81: { to: 127.0.0.1:8081 }\n", List.of())).isEmpty();
  }

  @Test
  void theListenPortIsTheServicePortShifted() {
    IntUnaryOperator offset = port -> port + 10_000;
    assertThat(loops("  80: { to: 127.0.0.1:10080 }\n", offset, List.of(), Protocol.TCP)).containsOnlyKeys(80);
    assertThat(loops("  80: { to: 127.0.0.1:80 }\n", offset, List.of(), Protocol.TCP)).as("nothing listens on 80").isEmpty();
    assertThat(loops("  80: { to: 127.0.0.1:80 }\n", port -> 0, List.of(), Protocol.TCP))
        .as("a free port chosen at bind is not known beforehand").isEmpty();
  }

  @Test
  void eachProtocolHasItsOwnListeners() {
    String services = "  53: { to: 127.0.0.1:53, proto: udp }\n  5353: { to: 127.0.0.1:53 }\n";
    assertThat(loops(services, IntUnaryOperator.identity(), List.of(), Protocol.UDP)).containsExactly(Map.entry(53,
        "its backend 127.0.0.1:53 is this very listener: every datagram would be relayed to the gateway again, without "
            + "end (point 'to:' at the service itself)"));
    assertThat(loops(services, IntUnaryOperator.identity(), List.of(), Protocol.TCP))
        .as("no TCP listener on 53: the TCP service's backend is not the gateway").isEmpty();
  }

  @Test
  void aBackendThatDoesNotResolveLeadsNowhere() {
    assertThat(tcpLoops("  80: { to: no-such-host.invalid:80 }\n", List.of())).isEmpty();
  }

  @Test
  void thisHostIsLoopbackTheWildcardAndItsInterfaces() throws SocketException {
    assertThat(ServiceLoops.isThisHost(address("127.0.0.1"))).isTrue();
    assertThat(ServiceLoops.isThisHost(address("::"))).isTrue();
    assertThat(ServiceLoops.isThisHost(address("198.51.100.7"))).as("a documentation address").isFalse();
    List<InetAddress> own = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList();
    assertThat(own).allSatisfy(a -> assertThat(ServiceLoops.isThisHost(a)).as(a.toString()).isTrue());
  }
}
