package dev.porte.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.server.ConsoleAddress;
import dev.porte.server.PorteServer;
import dev.porte.server.ServerConfig;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.store.StoreLocation;
import dev.porte.server.store.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The REST API over real HTTP, on a real SQLite file ({@link PostgresApiIT}: on PostgreSQL). */
class ApiTest {
  static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
  static final String SSH_FROM_OFFICE = "inbound:\n  - allow: ssh\n    from: 203.0.113.0/24\n  - allow: 5432/tcp\n";

  @TempDir Path dir;
  final TestClock clock = new TestClock(T0);
  PorteServer server;
  Http http;
  Map<String, String> auth;

  @BeforeEach
  void start() {
    ServerConfig config = new ServerConfig(
        new ConsoleAddress("127.0.0.1", 0), location(), dir.resolve("state"), clock, 3);
    server = PorteServer.start(config);
    http = new Http(server.url());
    auth = Map.of("Authorization", "Bearer " + server.token().value(), "X-Porte-Author", "alice");
  }

  /** An empty database. */
  StoreLocation location() {
    return StoreLocation.sqlite(dir.resolve("porte.db"));
  }

  @AfterEach
  void stop() {
    // Null when start() was skipped (PostgresApiIT without a PostgreSQL server): a skip, not an error.
    if (server != null) {
      server.close();
    }
  }

  @Test
  void healthAnswersWithTheVersionInForce() throws Exception {
    Http.Answer health = http.get("/api/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.contentType()).startsWith("application/json");
    assertThat(health.json().get("status").asString()).isEqualTo("ok");
    assertThat(health.json().get("time").asString()).isEqualTo("2026-11-24T03:00:00Z");
    assertThat(health.json().get("policyVersion").asLong()).isEqualTo(1);
    assertThat(health.json().get("unservedListeners").asInt()).as("no gateway runs in this test").isZero();
    assertThat(health.json().get("unserved")).isEmpty();
    assertThat(health.json().has("gateway")).as("no gateway, nothing to count").isFalse();
  }

  @Test
  void thePolicyViewDrawsTheHostsDoors() throws Exception {
    String text = "inbound:\n  - allow: 80/tcp\n  - allow: ssh\n    from: 203.0.113.0/24\noutbound:\n  - deny: 80/tcp\n"
        + "services:\n  80: { to: 127.0.0.1:8080, proxy: v2, max_connections: 500, connect_timeout: 300ms, retries: 0 }\n  22: { to: 127.0.0.1:2222, idle: 480m }\n  25: { to: 127.0.0.1:2525 }\n";
    long id = http.post("/api/policy/versions", Http.json(Map.of("text", text, "message", "doors")), auth).json().get("version").get("id").asLong();
    assertThat(http.post("/api/policy/versions/" + id + "/apply", null, auth).status()).isEqualTo(200);

    JsonNode doors = http.get("/api/policy").json().get("policy").get("doors");

    assertThat(doors).hasSize(3);
    JsonNode ssh = doors.get(0);
    assertThat(ssh.get("port").asInt()).isEqualTo(22);
    assertThat(ssh.get("service").asString()).isEqualTo("127.0.0.1:2222");
    assertThat(ssh.get("proxy").isNull()).as("no PROXY header").isTrue();
    assertThat(ssh.get("idle").asString()).as("the service's own idle timeout, in its largest whole unit").isEqualTo("8h");
    assertThat(ssh.get("inbound").asString()).isEqualTo("deny");
    assertThat(ssh.get("openTo").get(0).asString()).isEqualTo("203.0.113.0/24");
    JsonNode smtp = doors.get(1);
    assertThat(smtp.get("port").asInt()).isEqualTo(25);
    assertThat(smtp.get("openTo")).isEmpty();
    assertThat(smtp.get("decidedBy").asString()).isEqualTo("default policy");
    JsonNode web = doors.get(2);
    assertThat(web.get("port").asInt()).isEqualTo(80);
    assertThat(web.get("proxy").asString()).isEqualTo("v2");
    assertThat(web.get("idle").isNull()).as("the gateway's timeout applies").isTrue();
    assertThat(web.get("maxConnections").asInt()).isEqualTo(500);
    assertThat(ssh.get("maxConnections").isNull()).isTrue();
    assertThat(web.get("connectTimeout").asString()).isEqualTo("300ms");
    assertThat(web.get("retries").asInt()).as("0 is set, not the gateway's").isZero();
    assertThat(ssh.get("connectTimeout").isNull()).as("the gateway's applies").isTrue();
    assertThat(ssh.get("retries").isNull()).isTrue();
    assertThat(web.get("inbound").asString()).isEqualTo("allow");
    assertThat(web.get("openTo").get(0).asString()).isEqualTo("anyone");
    assertThat(web.get("repliesLeave").asBoolean()).as("filtered mode: outbound 80 denied").isFalse();
    assertThat(web.get("repliesDecidedBy").asString()).endsWith("line 6");
  }

  @Test
  void aFirstStartServesTheSafeDefault() throws Exception {
    JsonNode policy = http.get("/api/policy").json();

    assertThat(server.startedFromDefault()).isTrue();
    assertThat(policy.get("text").asString()).isEqualTo(PorteServer.DEFAULT_POLICY);
    assertThat(policy.get("policy").get("defaults").get("inbound").asString()).isEqualTo("deny");
    assertThat(policy.get("policy").get("defaults").get("outbound").asString()).isEqualTo("allow");
    assertThat(policy.get("policy").get("replies").asString()).isEqualTo("filtered");
    assertThat(policy.get("applied").get("appliedBy").asString()).isEqualTo("porte");
    assertThat(policy.get("sha256").asString()).hasSize(64);
  }

  @Test
  void proposeStoresAValidVersionWithItsWarningsButDoesNotApplyIt() throws Exception {
    Http.Answer proposed = http.post("/api/policy/versions", Http.json(Map.of("text", SSH_FROM_OFFICE, "message", "ssh for the office")), auth);

    assertThat(proposed.status()).isEqualTo(201);
    JsonNode version = proposed.json().get("version");
    assertThat(version.get("id").asLong()).isEqualTo(2);
    assertThat(version.get("author").asString()).isEqualTo("alice");
    assertThat(version.get("message").asString()).isEqualTo("ssh for the office");
    assertThat(proposed.json().get("policy").get("inbound").get(0).get("summary").asString()).isEqualTo("allow ssh from 203.0.113.0/24");
    assertThat(proposed.json().get("warnings").get(0).get("kind").asString()).isEqualTo("exposed");
    assertThat(proposed.json().get("warnings").get(0).get("line").asInt()).isEqualTo(4);
    assertThat(http.get("/api/policy").json().get("version").asLong()).isEqualTo(1);
    JsonNode versions = http.get("/api/policy/versions").json().get("versions");
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).get("current").asBoolean()).isFalse();
    assertThat(http.get("/api/policy/versions/2").json().get("text").asString()).isEqualTo(SSH_FROM_OFFICE);
  }

  @Test
  void anInvalidPolicyIs422WithCodeLineAndColumnAndNothingIsStored() throws Exception {
    Http.Answer refused = http.post("/api/policy/versions", Http.json(Map.of("text", "inbound:\n  - allow: 70000/tcp\n")), auth);

    assertThat(refused.status()).isEqualTo(422);
    JsonNode error = refused.json().get("error");
    assertThat(error.get("code").asString()).isEqualTo("INVALID_PORT");
    assertThat(error.get("message").asString()).startsWith("porte.yaml:2:").contains("70000");
    assertThat(error.get("line").asInt()).isEqualTo(2);
    assertThat(error.get("column").asInt()).isGreaterThan(0);
    assertThat(http.get("/api/policy/versions").json().get("versions")).hasSize(1);
  }

  @Test
  void validateLintsWithoutStoring() throws Exception {
    Http.Answer valid = http.post("/api/policy/validate", Http.json(Map.of("text", "inbound:\n  - allow: 3306\n")), auth);

    assertThat(valid.status()).isEqualTo(200);
    assertThat(valid.json().get("warnings").toString()).contains("exposed");
    assertThat(http.get("/api/policy/versions").json().get("versions")).hasSize(1);
  }

  @Test
  void applyThenCheckThenRollback() throws Exception {
    String closed = http.post("/api/check", Http.json(Map.of("direction", "inbound", "port", "22/tcp", "remote", "203.0.113.9")), Map.of()).body();
    assertThat(Http.JSON.readTree(closed).get("verdict").asString()).isEqualTo("deny");
    assertThat(Http.JSON.readTree(closed).get("results").get(0).get("decidedBy").asString()).isEqualTo("default policy");

    http.post("/api/policy/versions", Http.json(Map.of("text", SSH_FROM_OFFICE)), auth);
    clock.advance(Duration.ofMinutes(1));
    Http.Answer applied = http.post("/api/policy/versions/2/apply", null, auth);
    assertThat(applied.status()).isEqualTo(200);
    assertThat(applied.json().get("version").asLong()).isEqualTo(2);
    assertThat(applied.json().get("appliedAt").asString()).isEqualTo("2026-11-24T03:01:00Z");
    assertThat(applied.json().get("appliedBy").asString()).isEqualTo("alice");

    JsonNode open = http.post("/api/check", Http.json(Map.of("direction", "inbound", "port", "ssh", "remote", "203.0.113.9")), Map.of()).json();
    assertThat(open.get("verdict").asString()).isEqualTo("allow");
    assertThat(open.get("policyVersion").asLong()).isEqualTo(2);
    JsonNode result = open.get("results").get(0);
    assertThat(result.get("decidedBy").asString()).isEqualTo("porte.yaml line 2");
    assertThat(result.get("rule").get("line").asInt()).isEqualTo(2);
    assertThat(result.get("why").asString()).contains("allowed by inbound rule 'allow ssh from 203.0.113.0/24'");
    assertThat(result.get("replies").get("leave").asBoolean()).isTrue();
    assertThat(result.get("replies").get("mode").asString()).isEqualTo("filtered");

    Http.Answer back = http.post("/api/policy/rollback", null, auth);
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.json().get("version").asLong()).isEqualTo(1);
    assertThat(back.json().get("kind").asString()).isEqualTo("rollback");
    assertThat(http.get("/api/policy").json().get("version").asLong()).isEqualTo(1);

    Http.Answer nothing = http.post("/api/policy/rollback", null, auth);
    assertThat(nothing.status()).isEqualTo(409);
    assertThat(nothing.errorCode()).isEqualTo("CONFLICT");
    assertThat(nothing.errorMessage()).isEqualTo("nothing to roll back to: version 1 is the only applied version left");

    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("porte_policy_applies_total{kind=\"apply\"} 1.0");
    assertThat(metrics).contains("porte_policy_applies_total{kind=\"rollback\"} 1.0");
    assertThat(metrics).contains("porte_policy_apply_failures_total 1.0");
    assertThat(metrics).contains("porte_policy_version 1.0");
    assertThat(metrics).contains("porte_checks_total{verdict=\"allow\"} 1.0");
    assertThat(metrics).as("the process's own gauges").contains("process_files_open_files ", "process_files_max_files ",
        "process_cpu_usage ", "process_uptime_seconds ", "jvm_memory_used_bytes{", "jvm_threads_live_threads ");
  }

  @Test
  void applyingAnUnknownVersionIs404() throws Exception {
    Http.Answer missing = http.post("/api/policy/versions/99/apply", null, auth);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorMessage()).isEqualTo("no policy version 99");
    Http.Answer notANumber = http.get("/api/policy/versions/abc");
    assertThat(notANumber.status()).isEqualTo(404);
    assertThat(notANumber.errorMessage()).isEqualTo("no policy version 'abc' (versions are numbers)");
  }

  @Test
  void writesWithoutTheRightTokenAre401AndChangeNothing() throws Exception {
    String body = Http.json(Map.of("text", SSH_FROM_OFFICE));

    Http.Answer none = http.post("/api/policy/versions", body, Map.of());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorCode()).isEqualTo("UNAUTHORIZED");
    assertThat(none.errorMessage()).startsWith("writes need 'Authorization: Bearer <token>'");

    Http.Answer wrong = http.post("/api/policy/versions", body, Map.of("Authorization", "Bearer " + "x".repeat(43)));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorMessage()).startsWith("wrong token in the Authorization header");

    Http.Answer basic = http.post("/api/policy/rollback", null, Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"));
    assertThat(basic.status()).isEqualTo(401);
    assertThat(http.get("/api/policy/versions").json().get("versions")).hasSize(1);
  }

  @Test
  void malformedJsonIs400() throws Exception {
    Http.Answer broken = http.post("/api/policy/versions", "{\"text\": \"inbound: []\"", auth);

    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.contentType()).startsWith("application/json");
    assertThat(broken.errorCode()).isEqualTo("MALFORMED_REQUEST");
    assertThat(broken.errorMessage()).startsWith("malformed JSON: ");

    Http.Answer array = http.post("/api/check", "[1, 2]", Map.of());
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.errorMessage()).startsWith("expected a JSON object with 'direction', 'port', 'remote'");

    Http.Answer empty = http.post("/api/policy/versions", "", auth);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.errorMessage()).isEqualTo("the request has no body; expected a JSON object with 'text', 'message'");
  }

  @Test
  void unknownAndMissingFieldsAre400() throws Exception {
    Http.Answer unknown = http.post("/api/policy/versions", "{\"text\": \"inbound: []\", \"force\": true}", auth);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorMessage()).isEqualTo("unknown field 'force' (expected 'text', 'message')");

    Http.Answer missing = http.post("/api/check", Http.json(Map.of("direction", "inbound", "port", "22")), Map.of());
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorMessage()).isEqualTo("missing field 'remote'");
  }

  @Test
  void badValuesInACheckAre422AndQuoteTheValue() throws Exception {
    Http.Answer address = http.post("/api/check", Http.json(Map.of("direction", "inbound", "port", "22/tcp", "remote", "300.1.1.1")), Map.of());
    assertThat(address.status()).isEqualTo(422);
    assertThat(address.errorMessage()).contains("300.1.1.1");

    Http.Answer direction = http.post("/api/check", Http.json(Map.of("direction", "sideways", "port", "22/tcp", "remote", "192.0.2.1")), Map.of());
    assertThat(direction.status()).isEqualTo(422);
    assertThat(direction.errorCode()).isEqualTo("INVALID_VALUE");
    assertThat(direction.errorMessage()).isEqualTo("unknown direction: 'sideways' (valid: inbound, outbound)");
  }

  @Test
  void anOversizedBodyIs413() throws Exception {
    String huge = "{\"text\": \"" + "#".repeat(Bodies.MAX_BYTES) + "\"}";

    // Every time: the answer must not race the upload (a reset instead of the 413).
    for (int i = 0; i < 20; i++) {
      Http.Answer tooBig = http.post("/api/policy/versions", huge, auth);
      assertThat(tooBig.status()).isEqualTo(413);
      assertThat(tooBig.contentType()).startsWith("application/json");
      assertThat(tooBig.errorCode()).isEqualTo("TOO_LARGE");
    }
    assertThat(http.get("/api/policy/versions").json().get("versions")).hasSize(1);
  }

  @Test
  void unknownRoutesAre404InJson() throws Exception {
    for (String path : List.of("/api/nothing", "/nothing.html", "/api/policy/versions/1/delete")) {
      Http.Answer missing = http.get(path);
      assertThat(missing.status()).as(path).isEqualTo(404);
      assertThat(missing.contentType()).as(path).startsWith("application/json");
      assertThat(missing.errorCode()).as(path).isEqualTo("NOT_FOUND");
    }
  }

  @Test
  void theConsoleIsServedAtTheRoot() throws Exception {
    Http.Answer page = http.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("<title>porte console</title>").contains("/console.js");
    Http.Answer script = http.get("/console.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("/api/policy/versions");
  }

  @Test
  void portLookup() throws Exception {
    JsonNode mysql = http.get("/api/ports/3306").json().get("ports").get(0);
    assertThat(mysql.get("port").asInt()).isEqualTo(3306);
    assertThat(mysql.get("class").asString()).isEqualTo("registered (1024-49151)");
    assertThat(mysql.get("iana").get(0).get("name").asString()).isEqualTo("mysql");

    Http.Answer bad = http.get("/api/ports/65536");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.errorCode()).isEqualTo("INVALID_PORT");
    assertThat(bad.errorMessage()).contains("65536");
  }

  @Test
  void theConnectionLogIsFedThroughTheSeamFilteredAndCounted() throws Exception {
    IpAddress a = IpAddress.parse("198.51.100.7");
    IpAddress b = IpAddress.parse("2001:db8::7");
    server.connectionLog().record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.TCP, a, 22, Action.DENY, "default policy", 0, 0, null));
    server.connectionLog().record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.TCP, b, 80, Action.ALLOW, "porte.yaml line 3", 100, 5000, "backend_unreachable"));
    server.connectionLog().record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.TCP, a, 80, Action.ALLOW, "porte.yaml line 3", 7, 8, "closed"));
    server.connectionLog().record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.UDP, a, 53, Action.REJECT, null, 0, 0, null));
    server.flushConnectionLog();

    JsonNode all = http.get("/api/connections").json().get("connections");
    assertThat(all).as("capacity 3 keeps the newest three").hasSize(3);
    List<Integer> ports = new ArrayList<>();
    all.forEach(e -> ports.add(e.get("port").asInt()));
    assertThat(ports).containsExactly(53, 80, 80);
    JsonNode allowedToB = http.get("/api/connections?verdict=allow&port=80&client=2001:db8::7").json().get("connections");
    assertThat(allowedToB).hasSize(1);
    assertThat(allowedToB.get(0).get("bytesOut").asLong()).isEqualTo(5000);
    assertThat(allowedToB.get(0).get("rule").asString()).isEqualTo("porte.yaml line 3");
    assertThat(allowedToB.get(0).get("ended").asString()).isEqualTo("backend_unreachable");
    assertThat(all.get(0).get("ended").isNull()).as("a refused datagram has no end").isTrue();
    JsonNode unreachable = http.get("/api/connections?ended=backend_unreachable").json().get("connections");
    assertThat(unreachable).singleElement().satisfies(e -> assertThat(e.get("client").asString()).isEqualTo("2001:db8::7"));
    Http.Answer badEnd = http.get("/api/connections?ended=hung_up");
    assertThat(badEnd.status()).isEqualTo(422);
    assertThat(badEnd.errorMessage()).isEqualTo("unknown close cause 'hung_up' (valid: closed, idle, backend_unreachable, "
        + "no_backend_socket, policy_reload, reply_withheld, gateway_stopped, client_error, backend_error)");
    assertThat(http.get("/api/connections?limit=1").json().get("connections")).hasSize(1);

    Http.Answer badLimit = http.get("/api/connections?limit=0");
    assertThat(badLimit.status()).isEqualTo(422);
    assertThat(badLimit.errorMessage()).isEqualTo("limit must be in [1, 10000]: 0");
    assertThat(http.get("/api/connections?verdict=maybe").status()).isEqualTo(422);

    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("porte_connections_total{port=\"80\",protocol=\"tcp\",rule=\"porte.yaml line 3\",verdict=\"allow\"} 2.0");
    assertThat(metrics).contains("porte_connections_total{port=\"22\",protocol=\"tcp\",rule=\"default policy\",verdict=\"deny\"} 1.0");
    assertThat(metrics).contains("porte_bytes_total{direction=\"out\"} 5008.0");
    assertThat(metrics).contains("porte_connections_ended_total{cause=\"backend_unreachable\",protocol=\"tcp\"} 1.0")
        .contains("porte_connections_ended_total{cause=\"closed\",protocol=\"tcp\"} 1.0")
        .doesNotContain("porte_connections_ended_total{cause=\"closed\",protocol=\"udp\"}");
  }

  @Test
  void theOpenApiDescriptionListsEveryRegisteredRoute() throws Exception {
    Http.Answer answer = http.get("/api/openapi.json");
    assertThat(answer.status()).isEqualTo(200);
    JsonNode paths = answer.json().get("paths");
    assertThat(answer.json().get("openapi").asString()).startsWith("3.");

    List<String> registered = ApiServer.routes(null).stream().map(Route::toString).toList();
    assertThat(registered).hasSize(13);
    for (Route route : ApiServer.routes(null)) {
      JsonNode path = paths.get(route.path());
      assertThat(path).as("%s is described", route).isNotNull();
      assertThat(path.get(route.method().name().toLowerCase(java.util.Locale.ROOT))).as("%s is described", route).isNotNull();
      if (route.write()) {
        assertThat(path.get("post").get("security").toString()).as("%s needs the token", route).isEqualTo("[{\"bearer\":[]}]");
      }
    }
    List<String> described = new ArrayList<>();
    paths.properties().forEach(p -> p.getValue().properties().forEach(m -> described.add(m.getKey().toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
    assertThat(described).containsExactlyInAnyOrderElementsOf(registered);

    // The filter on how connections ended offers exactly the causes the gateway has.
    List<String> endings = new ArrayList<>();
    for (JsonNode parameter : paths.get("/api/connections").get("get").get("parameters")) {
      if (parameter.get("name").asString().equals("ended")) {
        parameter.get("schema").get("enum").forEach(e -> endings.add(e.asString()));
      }
    }
    assertThat(endings).containsExactlyElementsOf(
        java.util.Arrays.stream(dev.porte.gateway.CloseCause.values()).map(dev.porte.gateway.CloseCause::label).toList());
  }
}
