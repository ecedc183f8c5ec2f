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
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded soak: 1,000 concurrent connections echo data through the gateway for 30 s (set
 * {@code -Dporte.soak.seconds} to change it), with no error, and afterwards the open file
 * descriptors and the heap are back near where they started.
 */
class SoakIT {
  private static final Logger LOG = LoggerFactory.getLogger(SoakIT.class);
  private static final int CONNECTIONS = 1000;
  private static final long SECONDS = Long.getLong("porte.soak.seconds", 30);

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void athousandConnectionsForThirtySecondsLeaveNoErrorAndNoLeak() throws Exception {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo()) {
      long fdsBefore = openFds();
      long heapBefore = usedHeap();
      AtomicLong roundTrips = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      Gateway gateway = Gateway.start(policy("inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + echo.port() + " }\n"),
          config().maxConnectionsPerSource(CONNECTIONS).build());
      try {
        InetSocketAddress at = gateway.address(Protocol.TCP, 7);
        long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        CountDownLatch allConnected = new CountDownLatch(CONNECTIONS);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
          Thread t = new Thread(() -> {
            try (Socket s = connectFrom(CIRCLE_LOCAL, at)) {
              s.setSoTimeout(10_000);
              allConnected.countDown();
              OutputStream out = s.getOutputStream();
              InputStream in = s.getInputStream();
              byte[] msg = new byte[1024];
              while (System.nanoTime() < deadline) {
                out.write(msg);
                if (in.readNBytes(msg.length).length != msg.length) {
                  throw new IOException("connection ended early");
                }
                roundTrips.incrementAndGet();
              }
            } catch (Throwable e) {
              allConnected.countDown();
              errors.add(e);
            }
          }, "soak-client-" + i);
          t.setDaemon(true);
          clients.add(t);
          t.start();
        }
        allConnected.await();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.openConnections() == CONNECTIONS || !errors.isEmpty());
        long peakFds = openFds();
        for (Thread t : clients) {
          t.join(Duration.ofSeconds(SECONDS + 30).toMillis());
        }
        assertThat(errors).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.openConnections() == 0 && echo.open() == 0);
        assertThat(gateway.metrics().admitted()).isEqualTo(CONNECTIONS);
        assertThat(gateway.metrics().bytesIn()).isEqualTo(roundTrips.get() * 1024);
        LOG.info("soak: {} connections, {} s, {} round trips of 1 KiB; fds before {} peak {}", CONNECTIONS, SECONDS,
            roundTrips.get(), fdsBefore, peakFds);
      } finally {
        gateway.close();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> openFds() <= fdsBefore + 5);
      long fdsAfter = openFds();
      long heapAfter = usedHeap();
      LOG.info("soak: fds before {} after {}; heap before {} KiB after {} KiB", fdsBefore, fdsAfter,
          heapBefore / 1024, heapAfter / 1024);
      assertThat(fdsAfter).isLessThanOrEqualTo(fdsBefore + 5);
      assertThat(heapAfter).isLessThan(heapBefore + (24L << 20));
      assertThat(roundTrips.get()).isGreaterThan(CONNECTIONS * SECONDS);
    }
  }
}
