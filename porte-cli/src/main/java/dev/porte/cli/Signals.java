package dev.porte.cli;

/**
 * SIGHUP handling. The JDK has no public API for signals; {@code sun.misc.Signal} (module
 * jdk.unsupported) is what daemons on the JVM use, and where it is missing porte simply does not
 * reload on SIGHUP (the file watch still does). Stateless.
 */
final class Signals {
  private Signals() {}

  @SuppressWarnings("removal")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException | LinkageError e) {
      // No SIGHUP on this platform, or the JVM reserves it: reloading on file change still works.
    }
  }
}
