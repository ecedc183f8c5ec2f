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
  USAGE;

  /** The process exit code a command ends with when this error stops it: 2 for every bad input. */
  public int exitCode() {
    return this == IO ? 3 : 2;
  }
}
