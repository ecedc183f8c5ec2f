package dev.porte.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One stored policy: its number, who wrote it, when and why, the text as given, and the SHA-256
 * of that text (UTF-8, lower-case hex). Immutable.
 */
public record PolicyVersion(long id, Instant createdAt, String author, String message, String text, String sha256) {
  /** The hex SHA-256 of {@code text} in UTF-8. */
  public static String sha256(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** True when the stored hash is the hash of the stored text: the version was written whole. */
  public boolean intact() {
    return sha256.equals(sha256(text));
  }
}
