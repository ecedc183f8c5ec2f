package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;

/** Port numbers: 0-65535. Ports travel as plain {@code int}s on hot paths; this class checks them. */
public final class Port {
  public static final int MIN = 0;
  public static final int MAX = 65535;

  private Port() {}

  /** Returns {@code number} if it is a valid port, else throws an error that names it. */
  public static int check(long number) {
    if (number < MIN || number > MAX) {
      throw new PorteException(
          ErrorCode.INVALID_PORT, "port out of range: " + number + " (valid: 0-65535)");
    }
    return (int) number;
  }

  /**
   * Parses a port number written in decimal: {@code "22"}. Signs, spaces, leading zeros ("022")
   * and anything but digits are refused, so that what is read is exactly what was meant.
   */
  public static int parse(String text) {
    if (text.isEmpty() || text.length() > 7 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (text.startsWith("-") && text.length() > 1 && text.substring(1).chars().allMatch(Character::isDigit)) {
        throw new PorteException(
            ErrorCode.INVALID_PORT, "port out of range: " + text + " (valid: 0-65535)");
      }
      throw new PorteException(
          ErrorCode.INVALID_PORT, "not a port number: '" + text + "' (valid: 0-65535)");
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      throw new PorteException(
          ErrorCode.INVALID_PORT,
          "port with a leading zero: '" + text + "' (write it without: " + Long.parseLong(text) + ")");
    }
    return check(Long.parseLong(text));
  }

  /** True when {@code text} is written as a plain decimal number (maybe out of range). */
  static boolean looksNumeric(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
