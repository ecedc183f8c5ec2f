package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.Locale;

/** Which way a connection is opened: towards this host (inbound) or from it (outbound). */
public enum Direction {
  INBOUND("from"),
  OUTBOUND("to");

  private final String remoteWord;

  Direction(String remoteWord) {
    this.remoteWord = remoteWord;
  }

  public static Direction parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "inbound":
      case "in":
        return INBOUND;
      case "outbound":
      case "out":
        return OUTBOUND;
      default:
        throw new PorteException(
            ErrorCode.USAGE, "unknown direction: '" + text + "' (valid: inbound, outbound)");
    }
  }

  /** The word that introduces the remote side: "from" for inbound, "to" for outbound. */
  public String remoteWord() {
    return remoteWord;
  }

  public Direction opposite() {
    return this == INBOUND ? OUTBOUND : INBOUND;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
