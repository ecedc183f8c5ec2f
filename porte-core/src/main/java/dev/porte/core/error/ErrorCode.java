package dev.porte.core.error;

/**
 * Stable error codes shared by the CLI, the REST API and the logs. Scripts may rely on them, so a
 * code, once published, keeps its name and meaning.
 */
public enum ErrorCode {
  INVALID_PORT,
  INVALID_PROTOCOL,
  INVALID_ADDRESS,
  INVALID_CIDR,
  UNKNOWN_SERVICE,
  UNKNOWN_GROUP,
  UNKNOWN_KEY,
  INVALID_VALUE,
  DUPLICATE,
  SYNTAX,
  IO,
  USAGE,
  /** The kernel backend cannot be used here: not root, or no {@code nft}. Exit 2. */
  BACKEND_UNAVAILABLE,
  /** Applying would cut the SSH session porte runs from; {@code --force} overrides. Exit 2. */
  UNSAFE,
  /** The kernel refused the ruleset or did not hold it when read back; nothing changed. Exit 4. */
  BACKEND_FAILED;

  /**
   * The process exit code a command ends with when this error stops it: 2 for every bad input, 3
   * for an unreadable file, 4 when the kernel backend failed.
   */
  public int exitCode() {
    if (this == IO) {
      return 3;
    }
    return this == BACKEND_FAILED ? 4 : 2;
  }
}
