package dev.porte.nft;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One kernel rule: its statements in order ({@code "ip saddr . tcp dport @in_1_tcp_v4"}, {@code
 * "counter"}, {@code "accept"}), the comment stored in the kernel (at most 128 bytes, no double
 * quotes), notes printed above it in the script (the policy rules it stands for), and the owner of
 * its counter: null when it counts nothing worth reporting, or when its set's elements are owned by
 * several rules and their own counters say which.
 */
public record NftRule(List<String> statements, String comment, List<String> notes, @Nullable Owner owner) {
  /** The kernel's limit for a rule comment (NFT_USERDATA_MAXLEN is 256, nft's comment limit 128). */
  static final int COMMENT_MAX = 128;

  public NftRule {
    statements = List.copyOf(statements);
    notes = List.copyOf(notes);
    comment = clean(comment);
  }

  public NftRule(List<String> statements, String comment, List<String> notes) {
    this(statements, comment, notes, null);
  }

  static NftRule of(String comment, String... statements) {
    return new NftRule(List.of(statements), comment, List.of());
  }

  /** Double quotes would end the nft string; overlong comments are refused by nft. */
  static String clean(String text) {
    String plain = text.replace('"', '\'').replace('\n', ' ').replace('\\', '/');
    byte[] bytes = plain.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length <= COMMENT_MAX) {
      return plain;
    }
    StringBuilder cut = new StringBuilder();
    int used = 0;
    for (int i = 0; i < plain.length(); ) {
      int cp = plain.codePointAt(i);
      int size = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (used + size > COMMENT_MAX - 3) {
        break;
      }
      cut.appendCodePoint(cp);
      used += size;
      i += Character.charCount(cp);
    }
    return cut + "...";
  }

  /** The rule as one line of nft syntax. */
  public String text() {
    String body = String.join(" ", statements);
    return comment.isEmpty() ? body : body + " comment \"" + comment + "\"";
  }
}
