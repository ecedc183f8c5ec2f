package dev.porte.gateway;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets a warning through at most once per period: a condition that repeats with every client (no
 * descriptors left, a cap reached) must be said, but a flood of clients must not become a flood of
 * log lines. Safe to share between event loops.
 */
final class LogThrottle {
  private final long periodNanos;
  private final LongSupplier ticker;
  private final AtomicLong lastPassed;

  LogThrottle(Duration period) {
    this(period, System::nanoTime);
  }

  /** {@code ticker}: the time in nanoseconds, as {@link System#nanoTime} gives it (tests pass their own). */
  LogThrottle(Duration period, LongSupplier ticker) {
    this.periodNanos = period.toNanos();
    this.ticker = ticker;
    this.lastPassed = new AtomicLong(ticker.getAsLong() - periodNanos);
  }

  /** True for the first call of each period (the caller then logs), false for the others. */
  boolean pass() {
    long now = ticker.getAsLong();
    long last = lastPassed.get();
    return now - last >= periodNanos && lastPassed.compareAndSet(last, now);
  }
}
