package dev.porte.cli;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The end of the log: lines are written off the event loops (logback.xml), so some may still wait. */
final class Logs {
  private Logs() {}

  /**
   * Writes out the lines still queued, waiting a second at most (a stderr nobody reads would
   * hold them for ever), and ends logging: call it as the JVM exits.
   */
  static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
