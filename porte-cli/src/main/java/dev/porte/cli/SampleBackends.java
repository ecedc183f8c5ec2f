package dev.porte.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed's two services, small and in-process on loopback: a web server with one page and an
 * SSH-like server that says its banner first. Used by {@code porte demo} and by {@code porte
 * gateway} when it runs on its built-in example. Thread-safe; close to stop both.
 */
final class SampleBackends implements AutoCloseable {
  static final String PAGE = "<html><body><h1>Hello from the web server behind door 80</h1></body></html>\n";
  static final String BANNER = "SSH-2.0-porte_sample_sshd\r\n";

  private final HttpServer web;
  private final ServerSocket ssh;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "porte-sample-backend");
    t.setDaemon(true);
    return t;
  });
  /** Requests the web server has answered: how the demo shows that a request reached it. */
  final AtomicInteger webRequests = new AtomicInteger();

  SampleBackends() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    web = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
    web.createContext("/", exchange -> {
      webRequests.incrementAndGet();
      byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    web.setExecutor(threads);
    web.start();
    ssh = new ServerSocket(0, 64, loopback);
    threads.execute(this::serveBanner);
  }

  private void serveBanner() {
    while (!ssh.isClosed()) {
      Socket s;
      try {
        s = ssh.accept();
      } catch (IOException e) {
        return; // closed
      }
      threads.execute(() -> {
        try (s) {
          s.getOutputStream().write(BANNER.getBytes(StandardCharsets.US_ASCII));
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // An SSH server would negotiate here; the sample only waits for the client to go.
          }
        } catch (IOException e) {
          // The client went away.
        }
      });
    }
  }

  int webPort() {
    return web.getAddress().getPort();
  }

  int sshPort() {
    return ssh.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    web.stop(0);
    ssh.close();
    threads.shutdownNow();
  }
}
