package dev.porte.server.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class AsyncConnectionLogTest {
  static ConnectionEvent event(int port) {
    return ConnectionEvent.of(
        Instant.EPOCH, Direction.INBOUND, Protocol.TCP, IpAddress.parse("192.0.2.1"), port, Action.ALLOW, null, 0, 0, "closed");
  }

  @Test
  void writesEverythingInOrderInBoundedBatches() throws Exception {
    List<List<ConnectionEvent>> batches = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger drops = new AtomicInteger();
    try (AsyncConnectionLog log = new AsyncConnectionLog(batches::add, 5000, drops::incrementAndGet)) {
      for (int i = 0; i < 2000; i++) {
        log.record(event(i));
      }
      log.flush();

      List<Integer> ports = new ArrayList<>();
      synchronized (batches) {
        batches.forEach(b -> b.forEach(e -> ports.add(e.port())));
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, AsyncConnectionLog.BATCH));
      }
      assertThat(ports).hasSize(2000).isSorted();
      assertThat(drops).hasValue(0);
    }
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<ConnectionEvent> written = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger drops = new AtomicInteger();
    try (AsyncConnectionLog log = new AsyncConnectionLog(batch -> {
      inSink.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.addAll(batch);
    }, 2, drops::incrementAndGet)) {
      log.record(event(1));
      inSink.await(); // the writer holds event 1 and is stuck in the sink: the queue is empty
      log.record(event(2));
      log.record(event(3));
      log.record(event(4)); // no room

      assertThat(drops).hasValue(1);
      release.countDown();
      log.flush();
      assertThat(written).extracting(ConnectionEvent::port).containsExactly(1, 2, 3);
    }
  }

  @Test
  void aFailingSinkLosesOnlyItsBatchAndCloseWritesWhatIsQueued() throws Exception {
    List<ConnectionEvent> written = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger drops = new AtomicInteger();
    AsyncConnectionLog log = new AsyncConnectionLog(batch -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("disk full");
      }
      written.addAll(batch);
    }, 100, drops::incrementAndGet);
    log.record(event(1));
    log.flush();
    log.record(event(2));
    log.record(event(3));
    log.close();
    log.record(event(4));

    assertThat(written).extracting(ConnectionEvent::port).containsExactly(2, 3);
    assertThat(drops).as("recorded after close").hasValue(1);
  }
}
