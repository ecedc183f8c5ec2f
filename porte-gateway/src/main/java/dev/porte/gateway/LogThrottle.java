package dev.porte.gateway;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a warning through at most once per period: a condition that repeats with every client (no
 * descriptors left, a cap reached) must be said, but a flood of clients must not become a flood of
 * log lines. Safe to share between event loops.
 */
final class LogThrottle {
  private final long periodNanos;
  private final AtomicLong lastPassed;

  LogThrottle(Duration period) {
    this.periodNanos = period.toNanos();
    this.lastPassed = new AtomicLong(System.nanoTime() - periodNanos);
  }

  /** True for the first call of each period (the caller then logs), false for the others. */
  boolean pass() {
    long now = System.nanoTime();
    long last = lastPassed.get();
    return now - last >= periodNanos && lastPassed.compareAndSet(last, now);
  }
}
