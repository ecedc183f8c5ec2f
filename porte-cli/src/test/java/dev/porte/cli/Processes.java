package dev.porte.cli;

import java.util.concurrent.TimeUnit;

/** Ends the porte processes a test started. */
final class Processes {
  private Processes() {}

  /** SIGTERM, as an operator stops porte, then a kill if it has not ended within ten seconds. */
  static void stop(Process process) throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
    process.destroyForcibly();
  }
}
