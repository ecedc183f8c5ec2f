package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void aPeriodThatHasPassedLetsTheNextOneThrough() throws InterruptedException {
    LogThrottle brief = new LogThrottle(Duration.ofMillis(20));
    assertThat(brief.pass()).isTrue();
    Thread.sleep(40);
    assertThat(brief.pass()).isTrue();
  }
}
