package dev.porte.core.model;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import inet.ipaddr.AddressStringException;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.nio.ByteBuffer;

/**
 * One IPv4 or IPv6 address as plain bits, so that matching needs no library call: an IPv4 address
 * sits in the low 32 bits of {@code lo}; an IPv6 address is {@code hi:lo}, 64 bits each.
 *
 * <p>Parsing is strict: no prefix, no zone, no wildcards, no inet_aton shorthands ({@code 10.1}
 * or {@code 0x7f.1}), no IPv4 leading zeros (which some tools read as octal).
 *
 * <pre>IpAddress.parse("198.51.100.7"); IpAddress.parse("2001:db8::1");</pre>
 */
public record IpAddress(boolean v6, long hi, long lo) {
  static final IPAddressStringParameters STRICT =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowSingleSegment(false)
          .allowPrefix(false)
          .allowMask(false)
          .allowPrefixOnly(false)
          .allowWildcardedSeparator(false)
          .allow_inet_aton(false)
          .setRangeOptions(RangeParameters.NO_RANGE)
          .getIPv4AddressParametersBuilder()
          .allowLeadingZeros(false)
          .allowBinary(false)
          .getParentBuilder()
          .getIPv6AddressParametersBuilder()
          .allowZone(false)
          .allowEmptyZone(false)
          .allowBase85(false)
          .allowBinary(false)
          .getParentBuilder()
          .toParams();

  public IpAddress {
    if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
      throw new IllegalArgumentException("an IPv4 address has 32 bits: " + Long.toHexString(lo));
    }
  }

  public static IpAddress v4(int bits) {
    return new IpAddress(false, 0, bits & 0xFFFF_FFFFL);
  }

  public static IpAddress v6(long hi, long lo) {
    return new IpAddress(true, hi, lo);
  }

  /** Parses a single address; an error names the text and what would be valid. */
  public static IpAddress parse(String text) {
    if (text.indexOf('/') >= 0) {
      throw new PorteException(
          ErrorCode.INVALID_ADDRESS,
          "not a single address: '" + text + "' (write it without a /prefix, e.g. 198.51.100.7 or 2001:db8::1)");
    }
    return of(strict(text, "address"));
  }

  static IPAddress strict(String text, String what) {
    if (text.isEmpty() || text.length() > 64 || text.isBlank()) {
      throw new PorteException(
          ErrorCode.INVALID_ADDRESS,
          "not an IP " + what + ": '" + text + "' (valid: IPv4 like 192.0.2.1 or IPv6 like 2001:db8::1)");
    }
    try {
      IPAddress address = new IPAddressString(text, STRICT).toAddress();
      if (!address.isIPv4() && !address.isIPv6()) {
        throw new AddressStringException(text);
      }
      return address;
    } catch (AddressStringException | RuntimeException e) {
      throw new PorteException(
          ErrorCode.INVALID_ADDRESS,
          "not an IP " + what + ": '" + text + "' (valid: IPv4 like 192.0.2.1 or IPv6 like 2001:db8::1)",
          e);
    }
  }

  static IpAddress of(IPAddress address) {
    byte[] bytes = address.getBytes();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length == 4) {
      return v4(buffer.getInt());
    }
    return v6(buffer.getLong(), buffer.getLong());
  }

  /** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8. */
  public boolean isLoopback() {
    if (!v6) {
      return (lo >>> 24) == 127;
    }
    if (hi == 0 && lo == 1) {
      return true;
    }
    return hi == 0 && (lo >>> 32) == 0xFFFFL && ((lo >>> 24) & 0xFF) == 127;
  }

  public int bitLength() {
    return v6 ? 128 : 32;
  }

  @Override
  public String toString() {
    if (!v6) {
      return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }
    byte[] bytes = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
    return new IPv6Address(bytes).toCanonicalString();
  }

  IPAddress toLibrary() {
    if (!v6) {
      return new IPv4Address((int) lo);
    }
    return new IPv6Address(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
  }
}
