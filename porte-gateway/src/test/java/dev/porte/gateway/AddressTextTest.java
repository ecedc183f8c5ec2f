package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** How a log line writes an address: short, IPv4 as IPv4, a zone only where it means something. */
class AddressTextTest {
  @Test
  void addressesAreWrittenShort() throws Exception {
    byte[] loopback6 = InetAddress.getByName("::1").getAddress();
    // epoll's datagram addresses carry a zone of 0, which Java prints as ::1%0 in the long form.
    assertThat(AddressText.of(new InetSocketAddress(Inet6Address.getByAddress(null, loopback6, 0), 53)))
        .isEqualTo("[::1]:53");
    assertThat(AddressText.of(new InetSocketAddress(InetAddress.getByName("::1"), 53))).isEqualTo("[::1]:53");
    assertThat(AddressText.of(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), 443)))
        .isEqualTo("[2001:db8::1]:443");
    assertThat(AddressText.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80))).isEqualTo("127.0.0.1:80");
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 7};
    assertThat(AddressText.of(new InetSocketAddress(Inet6Address.getByAddress(null, mapped, 0), 22)))
        .as("an IPv4 client of a dual-stack socket").isEqualTo("198.51.100.7:22");
    byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
    assertThat(AddressText.of(new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 2), 22)))
        .isEqualTo("[fe80::1%2]:22");
  }
}
