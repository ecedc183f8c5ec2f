package dev.porte.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real servers for the gateway to relay to, written with the JDK's blocking sockets so that they
 * share no code with the gateway under test. Each counts what it received, so that tests can
 * assert on the backend side ("the request reached the service").
 */
final class TestBackends {
  private TestBackends() {}

  /** An HTTP server that answers every GET with {@code body} and counts the requests. */
  static final class Http implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final byte[] body;

    Http(String body) throws IOException {
      this.body = body.getBytes(StandardCharsets.UTF_8);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      server.createContext("/", exchange -> {
        requests.incrementAndGet();
        exchange.getResponseHeaders().add("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, this.body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(this.body);
        }
      });
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      ((ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  /**
   * A TCP server that runs {@code session} for every connection on its own thread: an echo, a
   * banner, a flood. Counts connections and bytes received.
   */
  static final class Tcp implements AutoCloseable {
    interface Session {
      void run(Socket socket, Tcp server) throws IOException;
    }

    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicLong received = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-backend");
      t.setDaemon(true);
      return t;
    });

    Tcp(Session session) throws IOException {
      this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), session);
    }

    /** Listening on {@code at}: another loopback address, or a port another backend has on one. */
    Tcp(InetSocketAddress at, Session session) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(at, 2048);
      threads.execute(() -> {
        while (!server.isClosed()) {
          Socket s;
          try {
            s = server.accept();
          } catch (IOException e) {
            return;
          }
          connections.incrementAndGet();
          open.add(s);
          threads.execute(() -> {
            try (s) {
              session.run(s, this);
            } catch (IOException e) {
              // The client went away; that is the client's business, not the backend's.
            } finally {
              open.remove(s);
            }
          });
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    int open() {
      return open.size();
    }

    /** Echoes until the client half-closes, then half-closes back. */
    static Tcp echo() throws IOException {
      return new Tcp((s, self) -> {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          self.received.addAndGet(n);
          out.write(buf, 0, n);
          self.sent.addAndGet(n);
        }
        s.shutdownOutput();
      });
    }

    /** Says {@code word} to each client, then echoes what the client sends until it goes. */
    static Tcp greeter(String address, int port, String word) throws IOException {
      return new Tcp(new InetSocketAddress(address, port), (s, self) -> {
        s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
        s.getInputStream().transferTo(s.getOutputStream());
      });
    }

    /** Says its piece and half-closes at once, then still reads until the client goes. */
    static Tcp speaksAndListens(String piece) throws IOException {
      return new Tcp((s, self) -> {
        s.getOutputStream().write(piece.getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();
        byte[] buf = new byte[8192];
        int n;
        while ((n = s.getInputStream().read(buf)) >= 0) {
          self.received.addAndGet(n);
        }
      });
    }

    /**
     * Reads a PROXY protocol header (v1 text or v2 binary, parsed here by the specification, not by
     * the library the gateway writes it with), answers at once with one line saying what it read
     * ({@code v2 TCP4 127.0.0.2:40000 -> 127.0.0.1:8080}), then echoes.
     */
    static Tcp proxyAware() throws IOException {
      return new Tcp((s, self) -> {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        out.write((readProxyHeader(in) + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          self.received.addAndGet(n);
          out.write(buf, 0, n);
        }
        s.shutdownOutput();
      });
    }

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static String readProxyHeader(DataInputStream in) throws IOException {
      byte[] start = in.readNBytes(12);
      if (java.util.Arrays.equals(start, V2_SIGNATURE)) {
        int versionCommand = in.readUnsignedByte();
        int family = in.readUnsignedByte();
        int length = in.readUnsignedShort();
        byte[] body = in.readNBytes(length);
        if (versionCommand != 0x21) {
          return "bad v2 version/command " + Integer.toHexString(versionCommand);
        }
        int size = family == 0x11 ? 4 : family == 0x21 ? 16 : -1;
        if (size < 0 || length < 2 * size + 4) {
          return "bad v2 family " + Integer.toHexString(family) + " length " + length;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
        byte[] src = new byte[size];
        byte[] dst = new byte[size];
        b.get(src).get(dst);
        int srcPort = b.getShort() & 0xFFFF;
        int dstPort = b.getShort() & 0xFFFF;
        return "v2 " + (size == 4 ? "TCP4 " : "TCP6 ") + InetAddress.getByAddress(src).getHostAddress() + ":" + srcPort
            + " -> " + InetAddress.getByAddress(dst).getHostAddress() + ":" + dstPort;
      }
      StringBuilder line = new StringBuilder(new String(start, StandardCharsets.US_ASCII));
      while (!line.toString().endsWith("\r\n") && line.length() < 108) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        line.append((char) c);
      }
      String[] words = line.toString().trim().split(" ");
      if (words.length != 6 || !words[0].equals("PROXY")) {
        return "bad v1 header '" + line.toString().trim() + "'";
      }
      return "v1 " + words[1] + " " + InetAddress.getByName(words[2]).getHostAddress() + ":" + words[4]
          + " -> " + InetAddress.getByName(words[3]).getHostAddress() + ":" + words[5];
    }

    /** Says its banner first, as sshd does, then reads until the client goes. */
    static Tcp banner(String banner) throws IOException {
      return new Tcp((s, self) -> {
        s.getOutputStream().write(banner.getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[1024];
        int n;
        while ((n = s.getInputStream().read(buf)) >= 0) {
          self.received.addAndGet(n);
        }
      });
    }

    /** Writes {@code total} bytes as fast as the client takes them. */
    static Tcp flood(long total) throws IOException {
      return new Tcp((s, self) -> {
        OutputStream out = s.getOutputStream();
        byte[] chunk = new byte[64 * 1024];
        for (long left = total; left > 0; left -= chunk.length) {
          int n = (int) Math.min(chunk.length, left);
          out.write(chunk, 0, n);
          self.sent.addAndGet(n);
        }
      });
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
      threads.shutdownNow();
    }
  }

  /** A UDP echo server that counts datagrams received. */
  static final class UdpEcho implements AutoCloseable {
    final DatagramSocket socket;
    final AtomicInteger received = new AtomicInteger();
    private final Thread thread;

    UdpEcho(InetAddress address) throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(address, 0));
      thread = new Thread(() -> {
        byte[] buf = new byte[65_536]; // the largest datagram whole
        while (!socket.isClosed()) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          try {
            socket.receive(p);
            received.incrementAndGet();
            socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
          } catch (IOException e) {
            if (!socket.isClosed()) {
              throw new UncheckedIOException(e);
            }
          }
        }
      }, "test-udp-echo");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
