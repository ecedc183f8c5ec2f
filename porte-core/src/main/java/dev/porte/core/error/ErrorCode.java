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
  /** A write without the right bearer token (HTTP 401). */
  UNAUTHORIZED,
  /** No such route, policy version or other thing asked for (HTTP 404). */
  NOT_FOUND,
  /** The request contradicts the stored state, e.g. nothing to roll back to (HTTP 409). */
  CONFLICT,
  /** A request body that is not the JSON expected: malformed, unknown or missing fields (HTTP 400). */
  MALFORMED_REQUEST,
  /** A request body above the size limit (HTTP 413). */
  TOO_LARGE,
  /** The kernel backend cannot be used here: not root, or no {@code nft}. Exit 2. */
  BACKEND_UNAVAILABLE,
  /** Applying would cut the SSH session porte runs from; {@code --force} overrides. Exit 2. */
  UNSAFE,
  /**
   * The gateway could not listen on any port of its policy (taken by another program, or
   * privileged): it has nothing to serve, so it does not start. Exit 2, HTTP 409.
   */
  PORT_UNAVAILABLE,
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

  /**
   * The HTTP status the REST API answers with: 4xx for every bad request (422 for input that is
   * well-formed JSON but not a valid port, address or policy), 5xx only when porte itself or
   * its kernel backend failed.
   */
  public int httpStatus() {
    switch (this) {
      case UNAUTHORIZED:
        return 401;
      case NOT_FOUND:
        return 404;
      case CONFLICT:
        return 409;
      case MALFORMED_REQUEST:
      case USAGE:
        return 400;
      case TOO_LARGE:
        return 413;
      case UNSAFE:
      case PORT_UNAVAILABLE:
        return 409;
      case BACKEND_UNAVAILABLE:
        return 503;
      case BACKEND_FAILED:
        return 502;
      case IO:
        return 500;
      default:
        return 422;
    }
  }
}
