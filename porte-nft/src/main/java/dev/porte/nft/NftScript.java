package dev.porte.nft;

import java.util.List;

/**
 * Serialises an {@link NftRuleset} as an {@code nft -f} script. The script is one atomic
 * transaction: it declares the table (so that deleting it cannot fail on a first apply), deletes
 * it, and defines it anew; if any line is refused the kernel keeps the previous table.
 */
public final class NftScript {
  /**
   * Elements per netlink message. One message per set larger than the socket buffer fails with
   * "Message too long" (as in a user namespace, where nft cannot force a bigger buffer), so larger
   * sets get their elements in further {@code add element} commands of the same transaction.
   */
  static final int CHUNK = 1000;

  private NftScript() {}

  public static String write(NftRuleset ruleset) {
    StringBuilder out = new StringBuilder();
    out.append("#!/usr/sbin/nft -f\n");
    for (String line : ruleset.header()) {
      out.append("# ").append(line).append('\n');
    }
    String table = ruleset.family() + " " + ruleset.name();
    out.append("\n# One transaction: replace the table whole, or keep the old one.\n");
    out.append("table ").append(table).append('\n');
    out.append("delete table ").append(table).append("\n\n");
    out.append("table ").append(table).append(" {\n");
    out.append("\tcomment \"managed by porte: change the policy, not this table\"\n");
    for (NftSet set : ruleset.sets()) {
      out.append("\n\tset ").append(set.name()).append(" {\n");
      out.append("\t\ttype ").append(set.type()).append('\n');
      if (set.interval()) {
        out.append("\t\tflags interval\n");
      }
      // Per-element counters: 'status --hits' can tell which addresses and ports are used.
      out.append("\t\tcounter\n");
      if (!set.comment().isEmpty()) {
        out.append("\t\tcomment \"").append(set.comment()).append("\"\n");
      }
      writeElements(out, set.elements().subList(0, Math.min(CHUNK, set.elements().size())));
      out.append("\t}\n");
    }
    for (NftChain chain : ruleset.chains()) {
      out.append("\n\tchain ").append(chain.name()).append(" {\n");
      if (!chain.comment().isEmpty()) {
        out.append("\t\tcomment \"").append(NftRule.clean(chain.comment())).append("\"\n");
      }
      if (chain.isBase()) {
        out.append("\t\ttype filter hook ").append(chain.hook()).append(" priority filter; policy accept;\n");
      }
      for (NftRule rule : chain.rules()) {
        for (String note : rule.notes()) {
          out.append("\t\t# ").append(note).append('\n');
        }
        out.append("\t\t").append(rule.text()).append('\n');
      }
      out.append("\t}\n");
    }
    out.append("}\n");
    for (NftSet set : ruleset.sets()) {
      for (int from = CHUNK; from < set.elements().size(); from += CHUNK) {
        out.append("add element ").append(table).append(' ').append(set.name()).append(" {");
        List<String> chunk = set.elements().subList(from, Math.min(from + CHUNK, set.elements().size()));
        out.append(String.join(", ", chunk)).append(" }\n");
      }
    }
    return out.toString();
  }

  private static void writeElements(StringBuilder out, List<String> elements) {
    out.append("\t\telements = {");
    for (int i = 0; i < elements.size(); i++) {
      out.append(i % 4 == 0 ? "\n\t\t\t" : " ").append(elements.get(i));
      if (i < elements.size() - 1) {
        out.append(',');
      }
    }
    out.append("\n\t\t}\n");
  }
}
