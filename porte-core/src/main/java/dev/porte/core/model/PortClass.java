package dev.porte.core.model;

/** The three classes of port numbers of RFC 6335 section 6. */
public enum PortClass {
  WELL_KNOWN("well-known", 0, 1023),
  REGISTERED("registered", 1024, 49151),
  DYNAMIC("dynamic", 49152, 65535);

  private final String label;
  private final int lo;
  private final int hi;

  PortClass(String label, int lo, int hi) {
    this.label = label;
    this.lo = lo;
    this.hi = hi;
  }

  public static PortClass of(int port) {
    Port.check(port);
    if (port <= WELL_KNOWN.hi) {
      return WELL_KNOWN;
    }
    return port <= REGISTERED.hi ? REGISTERED : DYNAMIC;
  }

  public String label() {
    return label;
  }

  public int lo() {
    return lo;
  }

  public int hi() {
    return hi;
  }

  /** {@code "registered (1024-49151)"}. */
  @Override
  public String toString() {
    return label + " (" + lo + "-" + hi + ")";
  }
}
