package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnreachableWarningsTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final UnreachableWarnings warnings = new UnreachableWarnings(Duration.ofSeconds(10), now::get);

  @Test
  void aDownBackendIsSaidOncePerPeriodWithTheClientsItCostMeanwhile() {
    assertThat(warnings.pass("127.0.0.1:8080")).as("the first is said, with none before it").isZero();
    assertThat(warnings.pass("127.0.0.1:8080")).isEqualTo(UnreachableWarnings.QUIET);
    assertThat(warnings.pass("127.0.0.1:8080")).isEqualTo(UnreachableWarnings.QUIET);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(warnings.pass("127.0.0.1:8080")).as("the next period's first, with the two kept quiet").isEqualTo(2);
    assertThat(warnings.pass("127.0.0.1:8080")).isEqualTo(UnreachableWarnings.QUIET);
  }

  @Test
  void oneBackendDownDoesNotSilenceAnother() {
    assertThat(warnings.pass("127.0.0.1:8080")).isZero();
    assertThat(warnings.pass("127.0.0.1:3307")).as("another backend has its own period").isZero();
    assertThat(warnings.pass("127.0.0.1:3307")).isEqualTo(UnreachableWarnings.QUIET);
  }
}
