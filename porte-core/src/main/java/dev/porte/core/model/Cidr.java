package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;

/**
 * An IPv4 or IPv6 network: an address and a prefix length. {@code parse(toString())} round-trips.
 *
 * <p>porte checks the prefix text itself before any library sees the address: ipaddress 5.6.2
 * reads {@code 10.0.0.0/4294967296} as {@code 0.0.0.0/0} ("allow from anywhere") and accepts
 * {@code /08}. Host bits set ({@code 10.0.0.1/8}) are an error, not silently cleared, because such
 * a typo usually means a host was meant and the whole network would be opened.
 *
 * <pre>Cidr.parse("203.0.113.0/24"); Cidr.parse("2001:db8:10::/48"); Cidr.parse("192.0.2.7");</pre>
 */
public final class Cidr {
  public static final Cidr ANY_V4 = new Cidr(false, 0, 0, 0);
  public static final Cidr ANY_V6 = new Cidr(true, 0, 0, 0);

  private final boolean v6;
  private final long hi;
  private final long lo;
  private final int prefix;

  private Cidr(boolean v6, long hi, long lo, int prefix) {
    this.v6 = v6;
    this.hi = hi;
    this.lo = lo;
    this.prefix = prefix;
  }

  /** The network of {@code address} with {@code prefix} bits; host bits are cleared. */
  public static Cidr of(IpAddress address, int prefix) {
    int max = address.bitLength();
    if (prefix < 0 || prefix > max) {
      throw new PorteException(
          ErrorCode.INVALID_CIDR, "prefix length out of range: /" + prefix + " (valid: /0-/" + max + ")");
    }
    return new Cidr(
        address.v6(), address.hi() & hiMask(address.v6(), prefix), address.lo() & loMask(address.v6(), prefix), prefix);
  }

  public static Cidr host(IpAddress address) {
    return of(address, address.bitLength());
  }

  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return host(IpAddress.of(IpAddress.strict(text, "address or network")));
    }
    String addressText = text.substring(0, slash);
    String prefixText = text.substring(slash + 1);
    if (prefixText.isEmpty()
        || prefixText.length() > 3
        || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')
        || (prefixText.length() > 1 && prefixText.charAt(0) == '0')) {
      throw new PorteException(
          ErrorCode.INVALID_CIDR,
          "bad prefix length in '" + text + "': '/" + prefixText + "' (valid: /0-/32 for IPv4, /0-/128 for IPv6, no leading zeros)");
    }
    IpAddress address = IpAddress.of(IpAddress.strict(addressText, "network"));
    int prefix = Integer.parseInt(prefixText);
    if (prefix > address.bitLength()) {
      throw new PorteException(
          ErrorCode.INVALID_CIDR,
          "prefix length out of range in '" + text + "': /" + prefix + " (valid: /0-/" + address.bitLength()
              + " for " + (address.v6() ? "IPv6" : "IPv4") + ")");
    }
    Cidr network = of(address, prefix);
    if (network.hi != address.hi() || network.lo != address.lo()) {
      throw new PorteException(
          ErrorCode.INVALID_CIDR,
          "host bits set in '" + text + "' (did you mean " + network + " for the network, or "
              + addressText + " for the host?)");
    }
    return network;
  }

  static long hiMask(boolean v6, int prefix) {
    if (!v6 || prefix == 0) {
      return 0;
    }
    return prefix >= 64 ? -1L : -1L << (64 - prefix);
  }

  static long loMask(boolean v6, int prefix) {
    if (!v6) {
      return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }
    if (prefix <= 64) {
      return 0;
    }
    return -1L << (128 - prefix);
  }

  public boolean contains(IpAddress address) {
    return address.v6() == v6
        && (address.hi() & hiMask(v6, prefix)) == hi
        && (address.lo() & loMask(v6, prefix)) == lo;
  }

  public boolean contains(Cidr other) {
    return other.v6 == v6
        && other.prefix >= prefix
        && (other.hi & hiMask(v6, prefix)) == hi
        && (other.lo & loMask(v6, prefix)) == lo;
  }

  public boolean overlaps(Cidr other) {
    return contains(other) || other.contains(this);
  }

  public boolean isV6() {
    return v6;
  }

  /** The first 64 bits of an IPv6 network; 0 for IPv4. */
  public long hi() {
    return hi;
  }

  /** The last 64 bits of an IPv6 network, or the 32 bits of an IPv4 one. */
  public long lo() {
    return lo;
  }

  public int prefix() {
    return prefix;
  }

  public IpAddress network() {
    return new IpAddress(v6, hi, lo);
  }

  /** True for 0.0.0.0/0 and ::/0. */
  public boolean isEverything() {
    return prefix == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr
        && ((Cidr) o).v6 == v6
        && ((Cidr) o).hi == hi
        && ((Cidr) o).lo == lo
        && ((Cidr) o).prefix == prefix;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi * 31 + lo) * 31 + prefix + (v6 ? 1 << 20 : 0);
  }

  @Override
  public String toString() {
    return network() + "/" + prefix;
  }
}
