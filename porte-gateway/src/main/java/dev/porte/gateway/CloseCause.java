package dev.porte.gateway;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why an admitted connection (or UDP session) ended, in a few fixed words an alert can count on,
 * as HAProxy's termination state says who ended a session and why. The close line's reason adds
 * the detail (which rule, which error).
 */
public enum CloseCause {
  /** The client or the backend ended it: the normal end. */
  CLOSED,
  /** No data moved either way for the idle timeout. */
  IDLE,
  /**
   * The backend refused the connection or did not accept it within the connect timeout, on every
   * attempt (the first and the connect retries), or its name did not resolve.
   */
  BACKEND_UNREACHABLE,
  /** No socket could be opened towards the backend (most often: the open-file limit). */
  NO_BACKEND_SOCKET,
  /** A new policy no longer allows it, or no longer serves its port. */
  POLICY_RELOAD,
  /** Filtered mode: the outbound verdict denied the reply, so the connection was closed. */
  REPLY_WITHHELD,
  /** The gateway stopped (after its drain). */
  GATEWAY_STOPPED,
  /** The client's socket failed (a reset, a broken pipe). */
  CLIENT_ERROR,
  /** The backend's socket failed. */
  BACKEND_ERROR;

  /** {@code backend_unreachable}: the label in log lines, the API and metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The cause whose {@link #label} is {@code text}; an error that lists the labels otherwise. */
  public static CloseCause parse(String text) {
    for (CloseCause cause : values()) {
      if (cause.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return cause;
      }
    }
    throw new PorteException(ErrorCode.INVALID_VALUE, "unknown close cause '" + text + "' (valid: "
        + Arrays.stream(values()).map(CloseCause::label).collect(Collectors.joining(", ")) + ")");
  }
}
