package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A backend named by host name is looked up again while the gateway runs: a name that did not
 * resolve is served once it does, and a backend that moves to another address is followed,
 * without a reload. The names come from the test's own table (the porte-cli BackendNamesIT does
 * the same through the JDK's resolver and a hosts file); the sockets are real.
 */
class BackendNamesIT {
  private static final String NAME = "backend.test";
  private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
  private final BackendResolver resolver = host -> {
    List<InetAddress> addresses = names.get(host);
    if (addresses == null) {
      throw new UnknownHostException(host + ": not in the test's names");
    }
    return addresses;
  };
  private final LogLines lines = new LogLines(PolicySnapshot.class);

  @AfterEach
  void release() {
    lines.close();
  }

  private List<String> logged() {
    return lines.messages();
  }

  private static String policyTo(int port) {
    return "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: " + NAME + ":" + port + " }\n";
  }

  @Test
  void aNameThatResolvesLaterIsServedAndABackendThatMovesIsFollowed() throws Exception {
    try (TestBackends.Tcp first = TestBackends.Tcp.greeter("127.0.0.20", 0, "first");
        TestBackends.Tcp second = TestBackends.Tcp.greeter("127.0.0.30", first.port(), "second");
        Gateway gateway = Gateway.start(policy(policyTo(first.port())), config().resolver(resolver).build())) {
      InetSocketAddress door = gateway.address(Protocol.TCP, 7);
      assertThat(greeting(door)).as("the name does not resolve: the client is closed").isEmpty();

      names.put(NAME, List.of(InetAddress.getByName("127.0.0.20")));
      gateway.lookUpBackendsAgain();
      assertThat(greeting(door)).isEqualTo("first");
      assertThat(logged()).contains("backend backend.test:" + first.port() + " of service 7 resolves now, to 127.0.0.20: "
          + "its clients are relayed again");

      try (Socket held = connectFrom(CIRCLE_LOCAL, door)) {
        held.setSoTimeout(5000);
        assertThat(read(held.getInputStream(), "first".length())).isEqualTo("first");
        names.put(NAME, List.of(InetAddress.getByName("127.0.0.30")));
        gateway.lookUpBackendsAgain();
        assertThat(greeting(door)).as("new connections go to the new address").isEqualTo("second");
        held.getOutputStream().write("still there?".getBytes(StandardCharsets.US_ASCII));
        assertThat(read(held.getInputStream(), "still there?".length())).as("the open one carries on with its backend")
            .isEqualTo("still there?");
      }
      assertThat(logged()).contains("backend backend.test:" + first.port() + " of service 7 now resolves to 127.0.0.30 "
          + "(was 127.0.0.20): new connections go there");

      names.remove(NAME);
      gateway.lookUpBackendsAgain();
      assertThat(greeting(door)).as("a name that stops resolving keeps its last address").isEqualTo("second");
      assertThat(logged()).anySatisfy(line -> assertThat(line).startsWith("backend backend.test:" + first.port()
          + " of service 7 no longer resolves (").endsWith("its last address 127.0.0.30 is kept"));
      int said = logged().size();
      gateway.lookUpBackendsAgain();
      assertThat(logged()).as("said once, not at every look").hasSize(said);
    }
  }

  /**
   * A name with several addresses is served while one of them answers: a refused dial moves on to
   * the next address, and the one that answered is dialled first from then on, so the dead one
   * costs one failed dial and one log line, not one per connection.
   */
  @Test
  void aNameWithSeveralAddressesIsServedByTheOneThatAnswers() throws Exception {
    try (TestBackends.Tcp second = TestBackends.Tcp.greeter("127.0.0.30", 0, "second");
        LogLines relay = new LogLines(RelayFrontendHandler.class)) {
      // Nothing listens on 127.0.0.40 and .41: their dials are refused at once.
      names.put(NAME, List.of(InetAddress.getByName("127.0.0.40"), InetAddress.getByName("127.0.0.41"),
          InetAddress.getByName("127.0.0.30")));
      try (Gateway gateway = Gateway.start(policy(policyTo(second.port())), config().resolver(resolver).build())) {
        InetSocketAddress door = gateway.address(Protocol.TCP, 7);
        for (int i = 0; i < 5; i++) {
          assertThat(greeting(door)).isEqualTo("second");
        }
        assertThat(relay.messages()).filteredOn(line -> line.contains("did not answer")).singleElement()
            .isEqualTo("backend backend.test:" + second.port() + " for 7/tcp: 127.0.0.40, 127.0.0.41 did not answer "
                + "(Connection refused), 127.0.0.30 did; new connections dial it first");
        BackendAddresses addresses = gateway.snapshot().backend(gateway.snapshot().service(Protocol.TCP, 7));
        assertThat(addresses.first()).isEqualTo(new InetSocketAddress("127.0.0.30", second.port()));
      }
    }
  }

  @Test
  void aClientIsClosedOnlyOnceNoneOfTheAddressesAnswers() throws Exception {
    int port;
    try (TestBackends.Tcp gone = TestBackends.Tcp.greeter("127.0.0.30", 0, "gone")) {
      port = gone.port();
    }
    names.put(NAME, List.of(InetAddress.getByName("127.0.0.40"), InetAddress.getByName("127.0.0.30")));
    try (LogLines relay = new LogLines(RelayFrontendHandler.class);
        Gateway gateway = Gateway.start(policy(policyTo(port)), config().resolver(resolver).connectRetries(0).build())) {
      assertThat(greeting(gateway.address(Protocol.TCP, 7))).isEmpty();
      relay.await("backend backend.test:" + port + " for 7/tcp is unreachable (none of its 2 addresses answered, the "
          + "last: Connection refused): closing the client connection");
    }
  }

  @Test
  void theGatewayLooksAgainByItselfAtTheInterval() throws Exception {
    try (TestBackends.Tcp first = TestBackends.Tcp.greeter("127.0.0.20", 0, "first");
        Gateway gateway = Gateway.start(policy(policyTo(first.port())),
            config().resolver(resolver).resolveInterval(Duration.ofSeconds(1)).build())) {
      InetSocketAddress door = gateway.address(Protocol.TCP, 7);
      assertThat(greeting(door)).isEmpty();
      names.put(NAME, List.of(InetAddress.getByName("127.0.0.20")));
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
          .until(() -> greeting(door).equals("first"));
    }
  }

  /** A backend that moves onto the gateway's own door is a loop: that door closes until it moves away. */
  @Test
  void aBackendThatMovesOntoTheGatewayItselfStopsBeingServedUntilItMovesAway() throws Exception {
    names.put(NAME, List.of(InetAddress.getByName("127.0.0.20")));
    // The backend's port first, free on its own address; the gateway then listens on the same
    // number on 127.0.0.1, which another socket may hold by chance: then try another.
    for (int attempt = 1; ; attempt++) {
      try (TestBackends.Tcp elsewhere = TestBackends.Tcp.greeter("127.0.0.20", 0, "elsewhere")) {
        int port = elsewhere.port();
        try (Gateway gateway = Gateway.start(policy(policyTo(port)),
            config().listenPort(p -> port).resolver(resolver).build())) {
          if (gateway.address(Protocol.TCP, 7) == null && attempt < 5) {
            continue;
          }
          assertThat(greeting(gateway.address(Protocol.TCP, 7))).isEqualTo("elsewhere");

          names.put(NAME, List.of(InetAddress.getLoopbackAddress()));
          gateway.lookUpBackendsAgain();
          assertThat(gateway.address(Protocol.TCP, 7)).isNull();
          assertThat(gateway.notServed()).singleElement().asString().contains("is this very listener");

          names.put(NAME, List.of(InetAddress.getByName("127.0.0.20")));
          gateway.lookUpBackendsAgain();
          assertThat(gateway.notServed()).isEmpty();
          assertThat(greeting(gateway.address(Protocol.TCP, 7))).isEqualTo("elsewhere");
          return;
        }
      }
    }
  }

  /** The service's greeting, or "" when the gateway closed the connection without one. */
  private static String greeting(InetSocketAddress door) throws IOException {
    try (Socket s = connectFrom(CIRCLE_LOCAL, door)) {
      s.setSoTimeout(5000);
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String read(InputStream in, int n) throws IOException {
    return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
  }
}
