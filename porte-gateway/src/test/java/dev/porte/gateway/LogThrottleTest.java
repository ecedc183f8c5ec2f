package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  @Test
  void theFirstCallOfAPeriodPassesAndTheRestWait() {
    LogThrottle daily = new LogThrottle(Duration.ofDays(1));
    assertThat(daily.pass()).as("the first warning is said").isTrue();
    assertThat(daily.pass()).as("the repeat within the day is not").isFalse();
    assertThat(daily.pass()).isFalse();
  }

  @Test
  void aPeriodThatHasPassedLetsTheNextOneThrough() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    LogThrottle tenSeconds = new LogThrottle(Duration.ofSeconds(10), now::get);
    assertThat(tenSeconds.pass()).isTrue();
    now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
    assertThat(tenSeconds.pass()).as("one nanosecond short of the period").isFalse();
    now.incrementAndGet();
    assertThat(tenSeconds.pass()).as("the period has passed").isTrue();
    assertThat(tenSeconds.pass()).as("and a new one began").isFalse();
  }
}
