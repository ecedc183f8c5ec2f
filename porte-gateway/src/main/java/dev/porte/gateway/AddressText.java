package dev.porte.gateway;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * How porte writes a socket address in its log and its output: {@code 127.0.0.1:80}, {@code
 * [::1]:53}, {@code [2001:db8::1]:443}. The short form, not {@code [0:0:0:0:0:0:0:1%0]} as
 * Java prints epoll's addresses; IPv4 clients of a dual-stack socket as IPv4; a link-local
 * address with its zone.
 */
public final class AddressText {
  private AddressText() {}

  public static String of(SocketAddress address) {
    if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null) {
      InetSocketAddress inet = (InetSocketAddress) address;
      String host = Addresses.of(inet.getAddress()).toString();
      if (inet.getAddress() instanceof Inet6Address && ((Inet6Address) inet.getAddress()).getScopeId() != 0
          && host.indexOf(':') >= 0) {
        host += "%" + ((Inet6Address) inet.getAddress()).getScopeId();
      }
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }
}
