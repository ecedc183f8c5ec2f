package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as operators write them in HAProxy ({@code timeout connect 500ms}) and systemd
 * ({@code 30s}, {@code 5m}): a whole number with one unit of {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d}, or a bare number of seconds. Used by the policy file's service timeouts
 * and by the command line's options, so that both read the same forms.
 */
public final class DurationText {
  private DurationText() {}

  /** What the errors offer as valid forms. */
  public static final String FORMS = "a number of seconds, or one with a unit: 500ms, 30s, 5m, 1h, 1d";

  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

  /**
   * {@code text} (what names it: {@code what}) as a duration from {@code min} to {@code max}; a
   * usage error that quotes the text and says what is valid otherwise.
   */
  public static Duration parse(String what, String text, Duration min, Duration max) {
    Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new PorteException(ErrorCode.INVALID_VALUE, what + " '" + text + "' is not a duration (valid: " + FORMS + ")");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration value = switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofSeconds(amount);
    };
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new PorteException(ErrorCode.INVALID_VALUE, what + " " + text.strip() + " is out of range (valid: " + format(min)
          + " to " + format(max) + ")");
    }
    return value;
  }

  /** {@code d} in the largest unit that writes it whole: {@code 500ms}, {@code 25s}, {@code 5m}, {@code 1d}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
