package dev.porte.core.registry;

import dev.porte.core.model.PortClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders a {@link PortReport} as the compact text of {@code porte port}: one line per name with
 * the transports IANA registers it for merged onto it, aliases marked, at most {@value #MAX_NAMES}
 * names, and the catalogue's service last. Stateless; safe to call from any thread.
 */
final class PortReportFormat {
  /** Busy ports (IANA lists a dozen names for some) are cut here, with a count of the rest. */
  static final int MAX_NAMES = 10;

  /** Descriptions run to 255 characters; one line of a terminal is what a lookup wants. */
  static final int MAX_DESCRIPTION = 60;

  private static final int MIN_NAME_WIDTH = 12;
  private static final int MIN_TRANSPORT_WIDTH = 8;

  private PortReportFormat() {}

  static String render(PortReport report) {
    StringBuilder out = new StringBuilder();
    out.append(report.port()).append("  ").append(report.portClass());
    List<Line> lines = lines(report.entries());
    List<Line> shown = lines.subList(0, Math.min(MAX_NAMES, lines.size()));
    int nameWidth = MIN_NAME_WIDTH;
    int transportWidth = MIN_TRANSPORT_WIDTH;
    for (Line line : shown) {
      nameWidth = Math.max(nameWidth, line.name.length());
      transportWidth = Math.max(transportWidth, line.transports().length());
    }
    nameWidth++;
    transportWidth += 3;
    if (lines.isEmpty()) {
      out.append("\n  ").append(nothingRegistered(report.portClass()));
    }
    for (Line line : shown) {
      StringBuilder text = new StringBuilder("  ");
      if (line.name.isEmpty()) {
        text.append("no service: ").append(line.description.isEmpty() ? "-" : line.description);
        if (!line.ranks.isEmpty() && line.ranks.first() < NO_TRANSPORT) {
          text.append(" (").append(line.transports()).append(')');
        }
      } else {
        pad(text.append(line.name), 2 + nameWidth);
        pad(text.append(line.transports()), 2 + nameWidth + transportWidth);
        text.append(shorten(line.description));
        if (line.alias) {
          text.append(line.description.isEmpty() ? "(alias)" : " (alias)");
        }
      }
      out.append('\n').append(text.toString().stripTrailing());
    }
    if (lines.size() > shown.size()) {
      out.append("\n  … and ").append(lines.size() - shown.size()).append(" more");
    }
    if (report.catalogue().isPresent()) {
      out.append('\n').append(pad(new StringBuilder("  catalogue:"), 2 + nameWidth));
      out.append(report.catalogue().get().summary());
    }
    return out.toString();
  }

  /** Several reports, one after another with a blank line between them. */
  static String render(List<PortReport> reports) {
    StringBuilder out = new StringBuilder();
    for (PortReport report : reports) {
      if (out.length() > 0) {
        out.append("\n\n");
      }
      out.append(render(report));
    }
    return out.toString();
  }

  private static String nothingRegistered(PortClass portClass) {
    return portClass == PortClass.DYNAMIC
        ? "nothing registered (dynamic ports are never assigned by IANA)"
        : "nothing registered";
  }

  /**
   * One line per name (and one per distinct text of unnamed rows), in the entries' order, with
   * the transports of all its rows.
   */
  private static List<Line> lines(List<IanaEntry> entries) {
    Map<String, Line> byName = new LinkedHashMap<>();
    for (IanaEntry e : entries) {
      String key = e.named() ? "n:" + e.name() : "u:" + e.description().toLowerCase(Locale.ROOT);
      Line line = byName.computeIfAbsent(key, k -> new Line(e.name(), e.alias()));
      line.add(e);
    }
    return new ArrayList<>(byName.values());
  }

  private static String shorten(String description) {
    return description.length() <= MAX_DESCRIPTION
        ? description
        : description.substring(0, MAX_DESCRIPTION - 1).stripTrailing() + "…";
  }

  private static StringBuilder pad(StringBuilder text, int width) {
    // At least one space, so that a long name never runs into the next column.
    text.append(' ');
    while (text.length() < width) {
      text.append(' ');
    }
    return text;
  }

  /** The rows of one name, merged. Mutable, but never leaves {@link #lines}. */
  private static final class Line {
    final String name;
    final boolean alias;
    String description = "";
    final TreeSet<Integer> ranks = new TreeSet<>();

    Line(String name, boolean alias) {
      this.name = name;
      this.alias = alias;
    }

    void add(IanaEntry e) {
      ranks.add(IanaEntry.transportRank(e.transport()));
      if (description.isEmpty()) {
        description = e.description();
      }
    }

    /** {@code "tcp, udp"}; {@code "-"} when IANA names no transport. */
    String transports() {
      List<String> names = new ArrayList<>();
      for (int rank : ranks) {
        if (rank < NO_TRANSPORT) {
          names.add(TRANSPORT_BY_RANK.get(rank));
        }
      }
      return names.isEmpty() ? "-" : String.join(", ", names);
    }
  }

  private static final List<String> TRANSPORT_BY_RANK = List.of("tcp", "udp", "sctp", "dccp");
  private static final int NO_TRANSPORT = IanaEntry.transportRank("");
}
