package dev.porte.cli;

import dev.porte.core.model.Direction;
import dev.porte.core.model.Rule;
import dev.porte.nft.RuleHits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code status --hits} as a table in the manner of {@code iptables -L -v}: counts first, then
 * where the rule is written and what it says; each policy rule in the order written, then the
 * defaults. A rule the kernel never matched says so, which is what an operator looks for.
 */
final class HitsTable {
  private HitsTable() {}

  static void print(PrintWriter out, RuleHits hits) {
    List<String[]> rows = new ArrayList<>();
    for (RuleHits.RuleCount count : hits.rules()) {
      Rule rule = count.rule();
      rows.add(new String[] {Long.toString(count.count().packets()), Long.toString(count.count().bytes()), where(rule),
          rule.direction() + " " + rule.summary() + (count.neverMatched() ? "   (never matched)" : "")});
    }
    for (Direction direction : Direction.values()) {
      RuleHits.DefaultCount count = hits.defaults().get(direction);
      rows.add(new String[] {Long.toString(count.count().packets()), Long.toString(count.count().bytes()), "default",
          direction + " " + count.action() + " (no rule matched)"});
    }
    int packets = "packets".length();
    int bytes = "bytes".length();
    int where = "where".length();
    for (String[] row : rows) {
      packets = Math.max(packets, row[0].length());
      bytes = Math.max(bytes, row[1].length());
      where = Math.max(where, row[2].length());
    }
    String format = "  %" + packets + "s  %" + bytes + "s  %-" + where + "s  %s%n";
    out.printf(format, "packets", "bytes", "where", "rule");
    rows.forEach(row -> out.printf(format, (Object[]) row));
  }

  private static String where(Rule rule) {
    return rule.location().isKnown()
        ? Path.of(rule.location().file()).getFileName() + ":" + rule.location().line()
        : "rule #" + (rule.index() + 1);
  }
}
