package dev.porte.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Says that a backend is unreachable at most once per period for each backend, and how many
 * clients it cost in between. A backend that is down costs every client that comes its
 * connection; without this, a hundred clients a second would be a hundred warnings a second, when
 * what the operator needs is one line, now and then, with the count. Each client's own close line
 * (cause {@code backend_unreachable}) still says it for that client. Safe to share between event
 * loops.
 */
final class UnreachableWarnings {
  /** What {@link #pass} answers for a warning to keep quiet. */
  static final long QUIET = -1;

  private final Duration period;
  private final LongSupplier ticker;
  private final Map<String, Gate> byBackend = new ConcurrentHashMap<>();

  UnreachableWarnings(Duration period, LongSupplier ticker) {
    this.period = period;
    this.ticker = ticker;
  }

  /**
   * For one more client that {@code backend} could not be reached for: {@link #QUIET} when the
   * warning is to be left unsaid, else how many were left unsaid since the last one said.
   */
  long pass(String backend) {
    Gate gate = byBackend.computeIfAbsent(backend, b -> new Gate(new LogThrottle(period, ticker)));
    if (gate.throttle.pass()) {
      return gate.quiet.getAndSet(0);
    }
    gate.quiet.incrementAndGet();
    return QUIET;
  }

  private static final class Gate {
    final LogThrottle throttle;
    final AtomicLong quiet = new AtomicLong();

    Gate(LogThrottle throttle) {
      this.throttle = throttle;
    }
  }
}
