package dev.porte.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class after which a Netty buffer is found leaked: a buffer the relay took and never
 * released (a dropped read, a queue of early bytes not emptied on a close) is memory a long-running
 * gateway loses for good, and nothing else in a test would notice it.
 *
 * <p>Every buffer is tracked with where it was touched ({@code PARANOID}, unless
 * {@code -Dio.netty.leakDetection.level} says otherwise). Netty finds a leak only once the leaked
 * buffer has been garbage collected, and says so on its {@code ResourceLeakDetector} logger when a
 * buffer is next allocated; so after each test class this collects garbage, allocates, and reads
 * what that logger said. A leak may surface after a later class than the one that caused it: its
 * access records say where the buffer went. Registered for every test class of this module through
 * {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class NettyLeakCheck implements AfterAllCallback {
  private static final Logger DETECTOR = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
  private static final ListAppender<ILoggingEvent> REPORTS = new ListAppender<>();
  /** How long one collection may take to hand its cleared references over, at most. */
  private static final long COLLECTED_WITHIN_MILLIS = 2_000;

  static {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }
    REPORTS.start();
    DETECTOR.addAppender(REPORTS);
    // Netty reports a leak only where its logger has ERROR on.
    if (!DETECTOR.isErrorEnabled()) {
      DETECTOR.setLevel(Level.ERROR);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " Netty buffer leak(s) found after " + context.getDisplayName()
          + " (a leak is found once its buffer is collected, so it may come from a class that ran before; the "
          + "records say where the buffer went):\n" + String.join("\n\n", leaks));
    }
  }

  /**
   * The leaks found after {@code leaking} runs, with the detector's reports kept from the console
   * (a test that leaks on purpose should not print a leak report into the build's log, where a
   * reader would take it for a real one).
   */
  static List<String> leaksOf(Runnable leaking) throws InterruptedException {
    DETECTOR.setAdditive(false);
    try {
      leaking.run();
      return collectLeaks();
    } finally {
      DETECTOR.setAdditive(true);
    }
  }

  /** What the detector reported since the last call, after giving it the chance to find every leak. */
  static List<String> collectLeaks() throws InterruptedException {
    // More than one round: a marker's arrival says its own collection was handed over, and the order
    // within one hand-over is not given; the next round's marker comes after all of it.
    for (int round = 0; round < 4; round++) {
      collectGarbage();
      // An allocation is when the detector looks at its queue (every allocation, at PARANOID); one
      // detector serves every ByteBuf, whichever allocator made it.
      RelayBuffers.ALLOCATOR.directBuffer(1).release();
    }
    synchronized (REPORTS) {
      List<String> leaks = REPORTS.list.stream().filter(event -> event.getLevel() == Level.ERROR)
          .map(ILoggingEvent::getFormattedMessage).filter(message -> message.contains("LEAK")).toList();
      REPORTS.list.clear();
      return leaks;
    }
  }

  /**
   * Collects garbage and returns once the JVM has handed over what it cleared: the collector queues
   * cleared references on a thread of its own, so wait for a reference cleared by this very
   * collection to arrive rather than for a guessed while.
   */
  private static void collectGarbage() throws InterruptedException {
    ReferenceQueue<Object> cleared = new ReferenceQueue<>();
    WeakReference<Object> marker = new WeakReference<>(new Object(), cleared);
    System.gc();
    if (cleared.remove(COLLECTED_WITHIN_MILLIS) == null) {
      throw new AssertionError("the leak check's System.gc() cleared nothing within " + COLLECTED_WITHIN_MILLIS
          + " ms (is -XX:+DisableExplicitGC set?)");
    }
    Reference.reachabilityFence(marker);
  }
}
