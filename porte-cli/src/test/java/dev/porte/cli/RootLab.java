package dev.porte.cli;

import static dev.porte.cli.ApplyIT.exec;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;

/**
 * The precondition of the tests that build network namespaces: root and the tools they drive.
 * Without them such a test is skipped with the reason, except in CI (CI=true), where that is a
 * failure: those tests must run there.
 */
final class RootLab {
  private RootLab() {}

  /**
   * Skips (or, in CI, fails) the calling test unless it runs as root with {@code tools} there;
   * {@code missing} names them for the message, {@code tests} names what must run in CI.
   */
  static void require(boolean tools, String missing, String tests) throws Exception {
    boolean root = exec(List.of("id", "-u"), Map.of()).out().trim().equals("0");
    if (root && tools) {
      return;
    }
    String why = !root ? "not root (id -u != 0)" : missing + " is not installed";
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true but " + why + ": " + tests + " must run in CI");
    }
    assumeTrue(false, "skipped: " + why + " (set CI=true to make this a failure)");
  }
}
