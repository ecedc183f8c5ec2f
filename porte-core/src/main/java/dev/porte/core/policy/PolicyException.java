package dev.porte.core.policy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.SourceLocation;

/**
 * A policy that does not validate. The message is one line: {@code file:line:column: what is
 * wrong with which value, and what would be valid}.
 */
public final class PolicyException extends PorteException {
  private static final long serialVersionUID = 1L;

  private final transient SourceLocation location;
  private final String detail;

  public PolicyException(ErrorCode code, SourceLocation location, String detail) {
    super(code, location + ": " + detail);
    this.location = location;
    this.detail = detail;
  }

  public PolicyException(ErrorCode code, SourceLocation location, String detail, Throwable cause) {
    super(code, location + ": " + detail, cause);
    this.location = location;
    this.detail = detail;
  }

  /** A model error (a bad port, CIDR, ...) placed where it was written. */
  static PolicyException at(SourceLocation location, PorteException cause) {
    return new PolicyException(cause.code(), location, cause.getMessage(), cause);
  }

  public SourceLocation location() {
    return location;
  }

  /** The message without the location prefix. */
  public String detail() {
    return detail;
  }
}
