package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * What some classes log while open, their debug lines too; closing restores their loggers. Event
 * loops and the gateway's own threads log while a test reads, so the lines are read as a copy
 * taken under the appender's lock, which logback holds while it appends.
 */
final class LogLines implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> levels = new ArrayList<>();

  LogLines(Class<?>... sources) {
    appender.start();
    for (Class<?> source : sources) {
      Logger logger = (Logger) LoggerFactory.getLogger(source);
      loggers.add(logger);
      levels.add(logger.getLevel());
      logger.addAppender(appender);
      logger.setLevel(Level.DEBUG);
    }
  }

  /** What was logged so far, each line's message. */
  List<String> messages() {
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** Waits until a line contains every one of {@code parts}. */
  void await(String... parts) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(messages())
        .anySatisfy(line -> assertThat(line).contains(parts)));
  }

  @Override
  public void close() {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).setLevel(levels.get(i));
      loggers.get(i).detachAppender(appender);
    }
  }
}
