package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;

/**
 * An inclusive range of ports, {@code lo <= hi}. {@code parse(toString())} round-trips.
 *
 * <pre>PortRange.parse("8000-8080"); PortRange.parse("22");</pre>
 */
public record PortRange(int lo, int hi) {
  public static final PortRange ALL = new PortRange(Port.MIN, Port.MAX);

  public PortRange {
    Port.check(lo);
    Port.check(hi);
    if (lo > hi) {
      throw new PorteException(
          ErrorCode.INVALID_PORT,
          "port range is reversed: " + lo + "-" + hi + " (write it low-high: " + hi + "-" + lo + ")");
    }
  }

  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  public static PortRange parse(String text) {
    int dash = text.indexOf('-', 1);
    if (dash < 0) {
      return of(Port.parse(text));
    }
    int lo = Port.parse(text.substring(0, dash));
    int hi = Port.parse(text.substring(dash + 1));
    if (lo > hi) {
      throw new PorteException(
          ErrorCode.INVALID_PORT,
          "port range is reversed: " + text + " (write it low-high: " + hi + "-" + lo + ")");
    }
    return new PortRange(lo, hi);
  }

  public boolean contains(int port) {
    return port >= lo && port <= hi;
  }

  public boolean contains(PortRange other) {
    return other.lo >= lo && other.hi <= hi;
  }

  public boolean overlaps(PortRange other) {
    return other.lo <= hi && other.hi >= lo;
  }

  public boolean isAll() {
    return lo == Port.MIN && hi == Port.MAX;
  }

  public int size() {
    return hi - lo + 1;
  }

  @Override
  public String toString() {
    return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
  }
}
