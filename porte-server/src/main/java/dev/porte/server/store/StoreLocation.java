package dev.porte.server.store;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the store lives: a SQLite file or a PostgreSQL JDBC URL. Immutable.
 *
 * <pre>{@code
 * StoreLocation.parse("/var/lib/porte/porte.db")              // SQLite
 * StoreLocation.parse("jdbc:postgresql://db.example/porte")   // PostgreSQL
 * }</pre>
 *
 * @param vendor which database, and so which migration folder
 * @param jdbcUrl the URL handed to the driver
 * @param file the SQLite file, or null for PostgreSQL
 */
public record StoreLocation(Vendor vendor, String jdbcUrl, @Nullable Path file) {
  /** The two databases porte speaks; the name is also the migration folder. */
  public enum Vendor {
    SQLITE,
    POSTGRESQL;

    /** {@code sqlite} or {@code postgresql}: the folder under {@code db/migration}. */
    public String folder() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A SQLite database in {@code file}. */
  public static StoreLocation sqlite(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    return new StoreLocation(Vendor.SQLITE, "jdbc:sqlite:" + absolute, absolute);
  }

  /** The {@code --db} value: a {@code jdbc:postgresql:} URL, a {@code jdbc:sqlite:} URL, or a file. */
  public static StoreLocation parse(String text) {
    if (text.isBlank()) {
      throw new PorteException(ErrorCode.USAGE, "--db is empty: give a file or a jdbc:postgresql:// URL");
    }
    if (text.startsWith("jdbc:postgresql:")) {
      return new StoreLocation(Vendor.POSTGRESQL, text, null);
    }
    if (text.startsWith("jdbc:sqlite:")) {
      return sqlite(Path.of(text.substring("jdbc:sqlite:".length())));
    }
    if (text.startsWith("jdbc:")) {
      throw new PorteException(
          ErrorCode.USAGE, "unsupported database URL '" + text + "': porte speaks jdbc:postgresql: and SQLite files");
    }
    return sqlite(Path.of(text));
  }

  /** The default embedded database: {@code porte.db} in the {@link #stateDirectory state directory}. */
  public static StoreLocation defaultFor(Map<String, String> env) {
    return sqlite(stateDirectory(env).resolve("porte.db"));
  }

  /** {@code $XDG_STATE_HOME/porte}, else {@code ~/.local/state/porte}. */
  public static Path stateDirectory(Map<String, String> env) {
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "porte");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".local", "state", "porte");
  }

  /** The URL without a password, for messages and logs. */
  public String display() {
    return file != null ? file.toString() : jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  @Override
  public String toString() {
    return display();
  }
}
