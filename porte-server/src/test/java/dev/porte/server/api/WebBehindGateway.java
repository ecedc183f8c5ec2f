package dev.porte.server.api;

import com.sun.net.httpserver.HttpServer;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.gateway.GatewayConfig;
import dev.porte.server.PorteServer;
import dev.porte.server.ServedGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * A real web server behind the gateway that {@code porte serve} runs, and a real client that
 * connects from 127.0.0.2, judged as 198.51.100.7 (loopback itself is always allowed).
 */
final class WebBehindGateway implements AutoCloseable {
  static final String CLIENT = "127.0.0.2";
  static final String JUDGED_AS = "198.51.100.7";
  static final String PAGE = "hello from the web server\n";

  private final HttpServer web;
  final AtomicInteger requests = new AtomicInteger();
  final ServedGateway served;

  WebBehindGateway(PorteServer server) throws IOException {
    this(server, port -> 0); // any free port; the test asks the gateway where it listens
  }

  /** {@code listenPort} says where the gateway listens for each service port (0: any free port). */
  WebBehindGateway(PorteServer server, IntUnaryOperator listenPort) throws IOException {
    this(server, listenPort, UnaryOperator.identity());
  }

  /** ... with the gateway's settings changed by {@code tune} (its caps, say). */
  WebBehindGateway(PorteServer server, IntUnaryOperator listenPort, UnaryOperator<GatewayConfig.Builder> tune)
      throws IOException {
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    web.start();
    served = ServedGateway.start(server, tune.apply(GatewayConfig.builder()
        .bind(List.of(InetAddress.getByName("127.0.0.1")))
        .listenPort(listenPort)
        .clientAlias(Map.of(IpAddress.parse(CLIENT), IpAddress.parse(JUDGED_AS)))));
  }

  /** A policy that serves {@code port} with the web server, and allows it inbound when {@code open}. */
  String policy(int port, boolean open) {
    return (open ? "inbound:\n  - allow: " + port + "/tcp\n    comment: the web is open\n" : "inbound: []\n")
        + "services:\n  " + port + ": { to: 127.0.0.1:" + web.getAddress().getPort() + " }\n";
  }

  /** GET / through the gateway's listener for {@code port}; what came back (empty when refused). */
  String fetch(int port) throws IOException {
    InetSocketAddress at = served.gateway().address(Protocol.TCP, port);
    if (at == null) {
      throw new AssertionError("the gateway does not listen for " + port + "/tcp");
    }
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(CLIENT, 0));
      socket.connect(at, 5000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: porte\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(body);
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    served.close();
    web.stop(0);
  }
}
