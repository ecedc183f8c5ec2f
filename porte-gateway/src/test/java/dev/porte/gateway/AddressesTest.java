package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.IpAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
  @ParameterizedTest
  @CsvSource({
    "198.51.100.7, 198.51.100.7",
    "2001:db8::1, 2001:db8::1",
    "::1, ::1",
    "0.0.0.0, 0.0.0.0",
  })
  void socketAddressesBecomePorteAddresses(String socket, String expected) throws UnknownHostException {
    assertThat(Addresses.of(InetAddress.getByName(socket))).isEqualTo(IpAddress.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({"198.51.100.7", "127.0.0.2"})
  void ipv4MappedIpv6IsJudgedAsIpv4(String v4) throws UnknownHostException {
    // Built from raw bytes so that the JDK cannot turn it into an Inet4Address first.
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(InetAddress.getByName(v4).getAddress(), 0, mapped, 12, 4);
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(Addresses.of(address)).isEqualTo(IpAddress.parse(v4));
  }

  @ParameterizedTest
  @CsvSource({"fe80::1", "fe80::abcd:1"})
  void zoneIdsAreNotPartOfTheAddress(String linkLocal) throws UnknownHostException {
    InetAddress address = Inet6Address.getByAddress(null, InetAddress.getByName(linkLocal).getAddress(), 1);
    assertThat(address.getHostAddress()).endsWith("%1");
    assertThat(Addresses.of(address)).isEqualTo(IpAddress.parse(linkLocal));
  }
}
