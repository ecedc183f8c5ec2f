package dev.porte.core.error;

/**
 * The one exception porte throws for bad input: it carries a stable {@link ErrorCode} and a message
 * that quotes the bad value and says what would be valid.
 */
public class PorteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public PorteException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public PorteException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
