package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionTrackerTest {
  private static final IpAddress A = IpAddress.parse("198.51.100.7");
  private static final IpAddress B = IpAddress.parse("203.0.113.9");

  @Test
  void perSourceAndGlobalCapsAreCountedSeparately() {
    ConnectionTracker tracker = new ConnectionTracker(3, 2);
    assertThat(tracker.tryAcquire(A)).isNull();
    assertThat(tracker.tryAcquire(A)).isNull();
    assertThat(tracker.tryAcquire(A)).isEqualTo(ConnectionTracker.Refusal.PER_SOURCE);
    assertThat(tracker.tryAcquire(B)).isNull();
    assertThat(tracker.tryAcquire(B)).isEqualTo(ConnectionTracker.Refusal.GLOBAL);
    assertThat(tracker.open()).isEqualTo(3);
    tracker.release(A);
    assertThat(tracker.tryAcquire(B)).isNull();
    assertThat(tracker.limit(ConnectionTracker.Refusal.PER_SOURCE)).isEqualTo(2);
  }

  @Test
  void concurrentAcquiresNeverExceedTheCapAndReleasesReturnToZero() throws InterruptedException {
    ConnectionTracker tracker = new ConnectionTracker(1_000_000, 50);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          if (tracker.tryAcquire(A) == null) {
            admitted.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(admitted).hasValue(50);
    for (int i = 0; i < 50; i++) {
      tracker.release(A);
    }
    assertThat(tracker.open()).isZero();
    assertThat(tracker.tryAcquire(A)).isNull();
  }
}
