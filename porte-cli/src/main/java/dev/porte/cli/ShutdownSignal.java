package dev.porte.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Ctrl-C and SIGTERM for a command that runs in the foreground: {@link #await} returns when one
 * arrives, and the JVM's exit then waits (up to {@link #GRACE}) until {@link #close} says the
 * command has closed what it opened. Open it as the first resource of a try-with-resources, so
 * that it closes last. One per command run; not for sharing between threads beyond the hook.
 */
final class ShutdownSignal implements AutoCloseable {
  /** How long an exiting JVM waits for the command to close listeners, stores and logs. */
  static final Duration GRACE = Duration.ofSeconds(30);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;

  ShutdownSignal(String name) {
    // The JVM exits as soon as its hooks return: this one holds the exit until close() is called.
    hook = new Thread(() -> {
      requested.countDown();
      try {
        closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Waits for Ctrl-C or SIGTERM; with a {@code limit}, at most that long. */
  void await(@Nullable Duration limit) throws InterruptedException {
    if (limit == null) {
      requested.await();
    } else {
      requested.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running and waited for the count-down above.
    }
  }
}
