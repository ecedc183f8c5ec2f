package dev.porte.gateway;

import dev.porte.core.model.IpAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** Converts socket addresses to porte's {@link IpAddress} without parsing text. Stateless. */
final class Addresses {
  private Addresses() {}

  /**
   * The client's address as porte judges it: IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}, what a
   * dual-stack listener reports for IPv4 clients) becomes plain IPv4, and zone ids are dropped
   * because they are not part of the address bits.
   */
  static IpAddress of(InetAddress address) {
    byte[] bytes = address.getAddress();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length == 4) {
      return IpAddress.v4(buffer.getInt());
    }
    long hi = buffer.getLong();
    long lo = buffer.getLong();
    if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
      return IpAddress.v4((int) lo);
    }
    return IpAddress.v6(hi, lo);
  }

  static IpAddress of(SocketAddress address) {
    return of(((InetSocketAddress) address).getAddress());
  }
}
