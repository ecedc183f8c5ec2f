package dev.porte.nft;

import dev.porte.core.model.Rule;
import java.nio.file.Path;

/**
 * The prefix of a logged rule's kernel log lines: {@code "porte inbound deny porte.yaml:12 "}, so
 * that {@code journalctl -k | grep 'porte inbound deny'} finds the drops and the line names the
 * rule, as ufw's {@code [UFW BLOCK]} does. Stateless.
 */
final class LogPrefix {
  /** nft's limit (NF_LOG_PREFIXLEN less the terminating zero). */
  static final int NFT_MAX = 127;

  /** iptables' LOG target takes at most 29 characters. */
  static final int IPTABLES_MAX = 29;

  private LogPrefix() {}

  /**
   * {@code "porte <word> <action> <file>:<line> "}; when that is longer than {@code max}, the
   * file name goes first ({@code "line 12"}), then the text is cut. Never holds a double quote.
   */
  static String of(String word, Rule rule, int max) {
    String head = "porte " + word + " " + rule.action() + " ";
    String where;
    if (rule.location().isKnown()) {
      where = Path.of(rule.location().file()).getFileName() + ":" + rule.location().line();
      if (head.length() + where.length() + 1 > max) {
        where = "line " + rule.location().line();
      }
    } else {
      where = "rule #" + (rule.index() + 1);
    }
    String text = (head + where).replace('"', '\'').replace('\\', '/');
    text = text.length() + 1 > max ? text.substring(0, max - 1) : text;
    return text + " ";
  }
}
