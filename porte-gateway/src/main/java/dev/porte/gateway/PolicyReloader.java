package dev.porte.gateway;

import dev.porte.core.error.PorteException;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a gateway's policy from its file: on demand ({@code SIGHUP}) and, once {@link #watch}
 * is called, whenever the file changes. A file that does not validate is rejected with one log
 * line that quotes the error, and the running policy stays in force.
 *
 * <p>Thread-safe: {@link #reloadNow} is synchronized; the watch runs on one daemon thread.
 */
public final class PolicyReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyReloader.class);

  private final Gateway gateway;
  private final Path file;
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "porte-policy-watch");
    t.setDaemon(true);
    return t;
  });
  private String lastSeen;

  public PolicyReloader(Gateway gateway, Path file) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.file = Objects.requireNonNull(file, "file");
    this.lastSeen = stamp();
  }

  /** Reads the file and puts it in force; false (and a log line) when it does not validate. */
  public synchronized boolean reloadNow() {
    lastSeen = stamp();
    Policy policy;
    try {
      policy = Policies.parser().load(file);
    } catch (PorteException e) {
      LOG.error("policy {} rejected, the running policy stays in force: {}", file, e.getMessage());
      return false;
    }
    gateway.reload(policy);
    return true;
  }

  /** Checks the file's modification time and size every {@code period}, reloading on change. */
  public void watch(Duration period) {
    long millis = period.toMillis();
    watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
  }

  private synchronized void reloadIfChanged() {
    if (!stamp().equals(lastSeen)) {
      LOG.info("policy file {} changed: reloading", file);
      reloadNow();
    }
  }

  /** Modification time and size: enough to notice an edit without reading the file each time. */
  private String stamp() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      return modified.toMillis() + ":" + Files.size(file);
    } catch (IOException e) {
      return "missing";
    }
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
