package dev.porte.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process may bind ports below 1024. Stateless. */
final class Privileges {
  private Privileges() {}

  static boolean mayBindLowPorts() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // Not Linux, or no /proc: assume not root, and listen on unprivileged ports.
      return false;
    }
  }
}
