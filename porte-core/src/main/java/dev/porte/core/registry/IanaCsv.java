package dev.porte.core.registry;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Port;
import dev.porte.core.model.PortRange;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.dataformat.csv.CsvFactory;

/**
 * Reads the IANA registry CSV into {@link IanaEntry} rows with Jackson's CSV parser (quoted fields
 * span lines; quotes inside them are doubled). Columns are found by their header names, so that a
 * refreshed file with reordered or added columns still reads, and one that lost a column fails at
 * once. Stateless; safe to call from any thread.
 *
 * <p>This runs on the cold path of the first {@code porte port} lookup, so it stays at the token
 * level: an {@code ObjectMapper} alone would cost several hundred milliseconds of class loading.
 */
final class IanaCsv {
  static final String NAME = "Service Name";
  static final String PORT = "Port Number";
  static final String TRANSPORT = "Transport Protocol";
  static final String DESCRIPTION = "Description";
  static final String NOTES = "Assignment Notes";

  /** The columns porte reads, in the order of the slots of a row. */
  private static final List<String> COLUMNS = List.of(NAME, PORT, TRANSPORT, DESCRIPTION, NOTES);

  private static final int S_NAME = 0;
  private static final int S_PORT = 1;
  private static final int S_TRANSPORT = 2;
  private static final int S_DESCRIPTION = 3;
  private static final int S_NOTES = 4;

  private static final CsvFactory FACTORY = new CsvFactory();

  private IanaCsv() {}

  /**
   * What a file holds: its entries in file order, the lower-cased names that IANA registers only
   * without a port (DNS-SD names such as {@code zeromq}), and how many data rows it has in all.
   */
  record Rows(List<IanaEntry> entries, Set<String> portlessNames, int rowCount) {}

  static Rows read(Reader reader, String source) {
    // With no schema every row arrives as an array of strings, which is all porte needs.
    try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), reader)) {
      int[] slotOf = null; // column number -> slot, or -1 for the columns porte ignores
      List<IanaEntry> entries = new ArrayList<>(16_384);
      Set<String> portless = new HashSet<>();
      int rows = 0;
      String[] row = new String[COLUMNS.size()];
      List<String> header = new ArrayList<>();
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token != JsonToken.START_ARRAY) {
          throw new IllegalStateException("CSV parser gave " + token + " outside a row");
        }
        if (slotOf == null) {
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            header.add(parser.getString());
          }
          slotOf = slots(header, source);
          continue;
        }
        Arrays.fill(row, ""); // short rows (trailing fields left out) read as empty fields
        int column = 0;
        int line = 0;
        boolean blank = true;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          if (column == 0) {
            // The row's first field, not its START_ARRAY: that one sits where the last row ended.
            line = parser.currentTokenLocation().getLineNr();
          }
          // Only the wanted columns become Strings; the parser does not build the others.
          if (column < slotOf.length && slotOf[column] >= 0) {
            String value = parser.getString();
            row[slotOf[column]] = value;
            blank &= value.isBlank();
          } else {
            blank &= column == 0 && parser.getString().isBlank();
          }
          column++;
        }
        if (column <= 1 && blank) {
          continue; // a blank line, e.g. at the end of the file
        }
        rows++;
        String name = row[S_NAME].strip();
        String port = row[S_PORT].strip();
        if (port.isEmpty()) {
          if (!name.isEmpty()) {
            portless.add(name.toLowerCase(Locale.ROOT));
          }
          continue;
        }
        entries.add(entry(row, name, port, source, line));
      }
      if (slotOf == null) {
        throw new PorteException(ErrorCode.SYNTAX, source + ": empty file (expected IANA's CSV)");
      }
      return new Rows(List.copyOf(entries), Set.copyOf(portless), rows);
    } catch (JacksonException e) {
      throw new PorteException(
          ErrorCode.SYNTAX, source + ": not readable as CSV: " + e.getOriginalMessage(), e);
    }
  }

  private static IanaEntry entry(String[] row, String name, String port, String source, int line) {
    String label = name.isEmpty() ? "an unnamed row" : "'" + name + "'";
    PortRange range = ports(port);
    if (range == null) {
      try {
        range = PortRange.parse(port); // for the model's own words on what is wrong
      } catch (PorteException e) {
        throw new PorteException(
            ErrorCode.SYNTAX,
            source + " line " + line + ": bad port '" + port + "' for " + label + ": "
                + e.getMessage(),
            e);
      }
    }
    String transport = row[S_TRANSPORT].strip().toLowerCase(Locale.ROOT);
    if (!IanaEntry.TRANSPORTS.contains(transport)) {
      throw new PorteException(
          ErrorCode.SYNTAX,
          source + " line " + line + ": unknown transport '" + transport + "' for " + label
              + " (valid: tcp, udp, sctp, dccp or empty)");
    }
    String description = fold(row[S_DESCRIPTION]);
    return new IanaEntry(name, range, transport, description, isAlias(description, row[S_NOTES]));
  }

  /**
   * The common spellings, {@code "80"} and {@code "6000-6063"}, read without {@link
   * PortRange#parse}'s checks for every way of writing a port wrongly; {@code null} for anything
   * else, which the caller hands to {@code PortRange.parse} for a precise error.
   */
  static @Nullable PortRange ports(String text) {
    int dash = text.indexOf('-');
    int lo = number(text, 0, dash < 0 ? text.length() : dash);
    int hi = dash < 0 ? lo : number(text, dash + 1, text.length());
    return lo < 0 || hi < lo ? null : new PortRange(lo, hi);
  }

  /** The decimal number in {@code text[from, to)} if it is a port without a leading zero, else -1. */
  private static int number(String text, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 5 || (length > 1 && text.charAt(from) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= Port.MAX ? value : -1;
  }

  /**
   * IANA marks aliases in prose: "This entry is an alias to "whoispp"." for the old names it
   * replaced with well-formed ones, and "This is a duplicate of the "http" service" for {@code
   * www}; older files put such text in the description.
   */
  static boolean isAlias(String description, String notes) {
    return mentionsAlias(notes) || mentionsAlias(description);
  }

  private static boolean mentionsAlias(String text) {
    if (text.isEmpty()) {
      return false;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    return lower.contains("is an alias to") || lower.contains("is a duplicate of");
  }

  /** Folds the line breaks and indentation of multi-line fields into single spaces. */
  static String fold(String text) {
    if (isFolded(text)) {
      return text; // nearly every description; no copy
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        space = out.length() > 0;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isFolded(String text) {
    char previous = ' ';
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) && (c != ' ' || previous == ' ')) {
        return false;
      }
      previous = c;
    }
    return previous != ' ' || text.isEmpty();
  }

  /** Where each column of the header goes in a row's slots, by header name. */
  private static int[] slots(List<String> header, String source) {
    int[] slotOf = new int[header.size()];
    Arrays.fill(slotOf, -1);
    for (int slot = 0; slot < COLUMNS.size(); slot++) {
      String column = COLUMNS.get(slot);
      int found = -1;
      for (int i = 0; i < header.size() && found < 0; i++) {
        if (header.get(i).strip().equalsIgnoreCase(column)) {
          found = i;
        }
      }
      if (found < 0) {
        throw new PorteException(
            ErrorCode.SYNTAX,
            source + " line 1: no column '" + column + "' in the header " + header
                + " (expected IANA's columns, among them: " + String.join(", ", COLUMNS) + ")");
      }
      slotOf[found] = slot;
    }
    return slotOf;
  }
}
