package dev.porte.server.connections;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes events from the gateway's event loops without blocking them and writes them in batches on
 * one background thread: a database commit syncs the disk, and an event loop must never wait for
 * that. When the queue is full the event is dropped and counted, rather than slowing the traffic
 * it describes. Thread-safe.
 *
 * <p>{@link #flush} waits until every event recorded before it is written; {@link #close} stops
 * taking events and writes everything queued before returning. An event recorded while
 * {@code close} runs may be dropped.
 */
public final class AsyncConnectionLog implements ConnectionLog, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AsyncConnectionLog.class);
  /** At most this many events per transaction. */
  static final int BATCH = 512;

  private final BlockingQueue<ConnectionEvent> queue;
  private final Consumer<List<ConnectionEvent>> sink;
  private final Runnable onDrop;
  private final Thread writer;
  private volatile boolean closed;
  /** Events queued and events handled (written or failed); guarded by {@code this}. */
  private long queued;
  private long handled;

  /**
   * @param sink writes one batch (in one transaction); called only from the writer thread
   * @param capacity events queued at most before new ones are dropped
   * @param onDrop called for each dropped event (to count it)
   */
  public AsyncConnectionLog(Consumer<List<ConnectionEvent>> sink, int capacity, Runnable onDrop) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the queue holds at least one event: " + capacity);
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sink = sink;
    this.onDrop = onDrop;
    this.writer = new Thread(this::drain, "porte-connection-log");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void record(ConnectionEvent event) {
    boolean taken;
    synchronized (this) {
      taken = !closed && queue.offer(event);
      if (taken) {
        queued++;
      }
    }
    if (!taken) {
      onDrop.run();
    }
  }

  /** Waits until every event recorded before this call has been written (or failed to be). */
  public void flush() throws InterruptedException {
    synchronized (this) {
      long target = queued;
      while (handled < target) {
        wait();
      }
    }
  }

  private void drain() {
    List<ConnectionEvent> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        ConnectionEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
        batch.clear();
      } catch (InterruptedException e) {
        // close() interrupts only after setting closed; write what is left and stop.
        queue.drainTo(batch);
        write(batch);
        return;
      }
    }
  }

  private void write(List<ConnectionEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      sink.accept(List.copyOf(batch));
    } catch (RuntimeException e) {
      // The log is a record of traffic, not a gate on it: a failed write loses these events only.
      log.warn("could not store {} connection events: {}", batch.size(), e.getMessage());
    } finally {
      synchronized (this) {
        handled += batch.size();
        notifyAll();
      }
    }
  }

  /** Stops taking events and returns once every queued event is written. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
