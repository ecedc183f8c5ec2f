package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service with {@code proxy: v1} or {@code v2} opens each backend connection with a PROXY
 * protocol header naming the real client, at once (before the client has said anything), and then
 * relays as usual. The backend parses the header by the specification.
 */
class ProxyProtocolIT {
  private static String yaml(int backendPort, String version) {
    return "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + backendPort + ", proxy: " + version + " }\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v2"})
  void theBackendLearnsTheClientsAddressBeforeTheClientSpeaks(String version) throws IOException {
    try (TestBackends.Tcp backend = TestBackends.Tcp.proxyAware();
        Gateway gateway = Gateway.start(policy(yaml(backend.port(), version)), config().build())) {
      InetSocketAddress door = gateway.address(Protocol.TCP, 7);
      try (Socket s = connectFrom(CIRCLE_LOCAL, door)) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo(version + " TCP4 127.0.0.2:" + s.getLocalPort() + " -> 127.0.0.1:" + door.getPort());
        s.getOutputStream().write("then the request\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("then the request");
      }
      assertThat(backend.connections).hasValue(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v2"})
  void anIpv6ClientIsNamedAsTcp6(String version) throws IOException {
    InetAddress v6 = InetAddress.getByName("::1");
    try (TestBackends.Tcp backend = TestBackends.Tcp.proxyAware();
        Gateway gateway = Gateway.start(policy(yaml(backend.port(), version)), config().bind(List.of(v6)).build())) {
      InetSocketAddress door = gateway.address(Protocol.TCP, 7);
      try (Socket s = new Socket(v6, door.getPort())) {
        s.setSoTimeout(3000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo(version + " TCP6 0:0:0:0:0:0:0:1:" + s.getLocalPort()
            + " -> 0:0:0:0:0:0:0:1:" + door.getPort());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v2"})
  void anIpv4ClientOfADualStackListenerIsNamedAsTcp4(String version) throws IOException {
    try (TestBackends.Tcp backend = TestBackends.Tcp.proxyAware();
        // No --listen: one dual-stack socket on ::, which reports IPv4 clients as ::ffff:a.b.c.d.
        Gateway gateway = Gateway.start(policy(yaml(backend.port(), version)), config().bind(List.of()).build())) {
      int port = gateway.address(Protocol.TCP, 7).getPort();
      try (Socket s = connectFrom(CIRCLE_LOCAL, new InetSocketAddress("127.0.0.1", port))) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo(version + " TCP4 127.0.0.2:" + s.getLocalPort() + " -> 127.0.0.1:" + port);
      }
    }
  }

  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  /**
   * The reader the header is for: Debian's nginx, with {@code listen ... proxy_protocol}, answers
   * with the client address it took from the header, for both versions.
   */
  @Test
  void nginxTakesTheClientFromTheHeader(@TempDir Path dir) throws Exception {
    if (!Files.isExecutable(NGINX)) {
      String why = "no " + NGINX + " (apt-get install nginx, as .ci/run does)";
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true and " + why);
      }
      Assumptions.abort(why);
    }
    int nginxPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nginxPort = free.getLocalPort();
    }
    Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(dir.resolve("nginx.conf"), "daemon off; master_process off; worker_processes 1;\n"
        + "pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("error.log") + " warn;\n"
        + "events { worker_connections 64; }\n"
        + "http { access_log off; client_body_temp_path " + dir.resolve("tmp") + "; proxy_temp_path " + dir.resolve("tmp")
        + "; fastcgi_temp_path " + dir.resolve("tmp") + "; uwsgi_temp_path " + dir.resolve("tmp") + "; scgi_temp_path "
        + dir.resolve("tmp") + ";\n"
        + "  server { listen 127.0.0.1:" + nginxPort + " proxy_protocol;\n"
        + "    location / { return 200 \"$proxy_protocol_addr $proxy_protocol_port\"; } } }\n");
    Process nginx = new ProcessBuilder(NGINX.toString(), "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), nginxPort)) {
          return true;
        }
      });
      String yaml = "inbound:\n  - allow: [80/tcp, 81/tcp]\nservices:\n"
          + "  80: { to: 127.0.0.1:" + nginxPort + ", proxy: v1 }\n  81: { to: 127.0.0.1:" + nginxPort + ", proxy: v2 }\n";
      try (Gateway gateway = Gateway.start(policy(yaml), config().build())) {
        for (int service : new int[] {80, 81}) {
          try (Socket s = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, service))) {
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: porte\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).as("service " + service + "; nginx said: " + Files.readString(dir.resolve("error.log")))
                .startsWith("HTTP/1.1 200").endsWith("\r\n\r\n127.0.0.2 " + s.getLocalPort());
          }
        }
      }
    } finally {
      nginx.destroy();
      if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
        nginx.destroyForcibly();
      }
    }
  }
}
