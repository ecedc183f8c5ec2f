package dev.porte.gateway;

import dev.porte.core.error.PorteException;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
  /** A change seen at the last check, put in force once the file has stayed so for one more check. */
  private String changing;

  public PolicyReloader(Gateway gateway, Path file) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.file = Objects.requireNonNull(file, "file");
    this.lastSeen = stamp();
  }

  /** Reads the file and puts it in force; false (and a log line) when it does not validate. */
  public synchronized boolean reloadNow() {
    lastSeen = stamp();
    changing = null;
    Policy policy;
    try {
      if (isEmpty(file)) {
        LOG.error("policy {} rejected, the running policy stays in force: the file is empty (a policy that serves "
            + "and allows nothing says so: 'inbound: []')", file);
        return false;
      }
      policy = Policies.parser().load(file);
    } catch (PorteException e) {
      LOG.error("policy {} rejected, the running policy stays in force: {}", file, e.getMessage());
      return false;
    }
    gateway.reload(policy);
    return true;
  }

  /**
   * Whether the file holds nothing but blanks and comments: most likely a write caught half way
   * (an editor that truncates before it writes) or a template gone wrong, and put in force it
   * would stop every service at once. A file that cannot be read is the parser's to report.
   */
  private static boolean isEmpty(Path file) {
    try {
      return Files.readAllLines(file).stream().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("#"));
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Checks the file's identity, modification time and size every {@code period}, reloading once a change
   * has stayed for a period ({@link #reloadIfChanged}).
   */
  public void watch(Duration period) {
    long millis = period.toMillis();
    watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Reloads once a change has settled: the file differs from what was last put in force and is
   * the same as at the previous check. A file still being written (a slow copy, a paste into
   * {@code cat > porte.yaml}) can be valid half way, its rules there and its services not yet,
   * and put in force it would close every door until the next check; an edit saved at once
   * (editors write a new file and rename it) waits one period more.
   */
  synchronized void reloadIfChanged() {
    String now = stamp();
    if (now.equals(lastSeen)) {
      changing = null;
    } else if (now.equals(changing)) {
      LOG.info("policy file {} changed: reloading", file);
      reloadNow();
    } else {
      changing = now;
    }
  }

  /**
   * The file's identity (inode), modification time to the nanosecond and size, following links:
   * enough to notice an edit without reading the file each time. The identity is what notices a
   * file put in place whole by a rename or a link swap (Kubernetes mounts a ConfigMap as a link to
   * a directory it replaces; {@code cp -p}, {@code rsync -a} and {@code tar x} keep the old time),
   * which can leave time and size as they were.
   */
  private String stamp() {
    try {
      BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
      return now.fileKey() + ":" + now.lastModifiedTime().to(TimeUnit.NANOSECONDS) + ":" + now.size();
    } catch (IOException e) {
      return "missing";
    }
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
