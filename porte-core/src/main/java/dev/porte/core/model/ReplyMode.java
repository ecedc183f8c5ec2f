package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.util.Locale;

/**
 * What governs the data that leaves on an inbound connection (DESIGN.md, "Connections").
 *
 * <ul>
 *   <li>{@link #FILTERED} (the default, the seed's model, as AWS network ACLs): replies leave only
 *       if the outbound verdict for the client and the local service port is allow.
 *   <li>{@link #STATEFUL} (AWS security groups, ufw, Windows Firewall): replies of an admitted
 *       connection always leave.
 * </ul>
 */
public enum ReplyMode {
  FILTERED,
  STATEFUL;

  public static ReplyMode parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "filtered":
        return FILTERED;
      case "stateful":
        return STATEFUL;
      default:
        throw new PorteException(
            ErrorCode.INVALID_VALUE, "unknown reply mode: '" + text + "' (valid: filtered, stateful)");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
