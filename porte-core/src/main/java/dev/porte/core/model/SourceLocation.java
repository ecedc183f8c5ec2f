package dev.porte.core.model;

/** Where something was written: a file (or "&lt;built-in&gt;"), a line and a column, 1-based. */
public record SourceLocation(String file, int line, int column) {
  public static final SourceLocation NONE = new SourceLocation("<built-in>", 0, 0);

  public boolean isKnown() {
    return line > 0;
  }

  /** {@code porte.yaml:12:5}, or just the file when the position is unknown. */
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column : file;
  }
}
