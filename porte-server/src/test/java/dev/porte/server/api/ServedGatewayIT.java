package dev.porte.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.gateway.GatewayConfig;
import dev.porte.server.ConsoleAddress;
import dev.porte.server.PorteServer;
import dev.porte.server.ServedGateway;
import dev.porte.server.ServerConfig;
import dev.porte.server.store.StoreLocation;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code porte serve} end to end on real sockets: a version applied through the API changes what
 * the gateway does to a real connection, and the connection shows up in the log and the metrics.
 * Clients connect from 127.0.0.2, judged as 198.51.100.7 (loopback itself is always allowed).
 */
class ServedGatewayIT {
  private static final String CLIENT = "127.0.0.2";
  private static final String JUDGED_AS = "198.51.100.7";

  @TempDir Path dir;
  HttpServer web;
  final AtomicInteger requests = new AtomicInteger();
  PorteServer server;
  ServedGateway served;
  Http http;
  Map<String, String> auth;

  @BeforeEach
  void start() throws Exception {
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] page = "hello from the web server\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    web.start();
    server = PorteServer.start(new ServerConfig(
        new ConsoleAddress("127.0.0.1", 0), StoreLocation.sqlite(dir.resolve("porte.db")), dir.resolve("state"), Clock.systemUTC(), 100));
    GatewayConfig.Builder gateway = GatewayConfig.builder()
        .bind(List.of(InetAddress.getByName("127.0.0.1")))
        .listenPort(port -> 0) // any free port; the test asks the gateway where it listens
        .clientAlias(Map.of(IpAddress.parse(CLIENT), IpAddress.parse(JUDGED_AS)));
    served = ServedGateway.start(server, gateway);
    http = new Http(server.url());
    auth = Map.of("Authorization", "Bearer " + server.token().value(), "X-Porte-Author", "ci");
  }

  @AfterEach
  void stop() {
    served.close();
    server.close();
    web.stop(0);
  }

  private String policy(boolean open) {
    return (open ? "inbound:\n  - allow: 80/tcp\n    comment: the web is open\n" : "inbound: []\n")
        + "services:\n  80: { to: 127.0.0.1:" + web.getAddress().getPort() + " }\n";
  }

  private void apply(String text, String message) throws Exception {
    Http.Answer proposed = http.post("/api/policy/versions", Http.json(Map.of("text", text, "message", message)), auth);
    assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
    long id = proposed.json().get("version").get("id").asLong();
    Http.Answer applied = http.post("/api/policy/versions/" + id + "/apply", null, auth);
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
  }

  /** GET / through the gateway from 127.0.0.2; what came back (empty when refused). */
  private String fetch() throws Exception {
    InetSocketAddress at = served.gateway().address(Protocol.TCP, 80);
    assertThat(at).as("the gateway listens for 80/tcp").isNotNull();
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(CLIENT, 0));
      socket.connect(at, 5000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: porte\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      in.transferTo(body);
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void anAppliedVersionChangesWhatARealConnectionGets() throws Exception {
    assertThat(served.gateway().address(Protocol.TCP, 80)).as("the safe default serves nothing").isNull();

    apply(policy(false), "serve the web, door still closed");
    assertThat(fetch()).as("inbound denied by default: not a byte").isEmpty();
    assertThat(requests).as("a denied client never reaches the service").hasValue(0);

    apply(policy(true), "open the web");
    assertThat(fetch()).contains("200 OK").contains("hello from the web server");
    assertThat(requests).hasValue(1);

    server.flushConnectionLog();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      server.flushConnectionLog();
      JsonNode log = http.get("/api/connections?client=" + JUDGED_AS).json().get("connections");
      assertThat(log).hasSize(2);
    });
    JsonNode denied = http.get("/api/connections?verdict=deny&port=80").json().get("connections");
    assertThat(denied).hasSize(1);
    assertThat(denied.get(0).get("rule").asString()).isEqualTo("default policy");
    JsonNode allowed = http.get("/api/connections?verdict=allow&port=80").json().get("connections");
    assertThat(allowed).hasSize(1);
    assertThat(allowed.get(0).get("rule").asString()).endsWith("line 2");
    assertThat(allowed.get(0).get("bytesOut").asLong()).isGreaterThan(20);

    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("porte_connections_total{").contains("verdict=\"deny\"").contains("verdict=\"allow\"");
  }

  @Test
  void rollingBackClosesTheDoorAgain() throws Exception {
    apply(policy(false), "closed");
    apply(policy(true), "open");
    assertThat(fetch()).contains("hello from the web server");

    Http.Answer rolledBack = http.post("/api/policy/rollback", null, auth);
    assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
    assertThat(fetch()).isEmpty();
  }
}
