package dev.porte.nft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ListeningSocketTest {
  private static final String TCP = String.join("\n",
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1045 1 000000000c4aeccf 100 0 0 10 0",
      "   1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 129123 1 000000004af81a46 100 0 0 10 0",
      "   2: 0100E70A:0050 0200E70A:C350 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 30 10 -1",
      "");
  private static final String TCP6 = String.join("\n",
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 100 0 0 10 0",
      "   1: 00000000000000000000000001000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0",
      "   2: 000000FD000000000000000001000000:0050 00000000000000000000000000000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 4444 1",
      "");
  private static final String UDP = String.join("\n",
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
      "  100: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 7777 2 0000000000000000 0",
      "  101: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 8888 2 0000000000000000 0",
      "  102: 0100E70A:D431 0200E70A:0035 01 00000000:00000000 00:00000000 00000000     0        0 9999 2 0000000000000000 0",
      "");

  @Test
  void tcpKeepsOnlyListeningSocketsWithAddressPortAndOwner() {
    List<ListeningSocket> sockets = ListeningSocket.parse(TCP, Protocol.TCP, false, Map.of(1045L, "sshd (pid 812)"));
    assertThat(sockets).containsExactly(
        new ListeningSocket(Protocol.TCP, IpAddress.parse("0.0.0.0"), 22, 1045, "sshd (pid 812)"),
        new ListeningSocket(Protocol.TCP, IpAddress.parse("127.0.0.1"), 5432, 129123, "?"));
    assertThat(sockets.get(0).onEveryAddress()).isTrue();
    assertThat(sockets.get(1).loopbackOnly()).isTrue();
  }

  @Test
  void tcp6AddressesAreFourLittleEndianWords() {
    List<ListeningSocket> sockets = ListeningSocket.parse(TCP6, Protocol.TCP, true, Map.of());
    assertThat(sockets).extracting(ListeningSocket::addressText).containsExactly("[::]", "[::1]");
    assertThat(sockets).extracting(ListeningSocket::port).containsExactly(443, 3306);
  }

  @Test
  void udpKeepsUnconnectedSocketsOnly() {
    List<ListeningSocket> sockets = ListeningSocket.parse(UDP, Protocol.UDP, false, Map.of());
    assertThat(sockets).extracting(s -> s.address() + ":" + s.port()).containsExactly("127.0.0.53:53", "0.0.0.0:68");
  }

  @ParameterizedTest
  @CsvSource({
    "0100007F, false, 127.0.0.1",
    "0100E70A, false, 10.231.0.1",
    "00000000, false, 0.0.0.0",
    "00000000000000000000000001000000, true, ::1",
    "000000FD000000000000000001000000, true, fd00::1",
    "0000000000000000FFFF00000100007F, true, ::ffff:127.0.0.1",
  })
  void kernelHexAddresses(String hex, boolean v6, String expected) {
    assertThat(ListeningSocket.address(hex, v6)).isEqualTo(IpAddress.parse(expected));
  }

  @Test
  void ownersComeFromSocketLinks() {
    assertThat(ListeningSocket.owners(Map.of("sshd (pid 812)", List.of("/dev/null", "socket:[1045]", "pipe:[77]"))))
        .containsExactly(Map.entry(1045L, "sshd (pid 812)"));
  }

  @Test
  void scannerReadsAProcTree() throws IOException {
    Path proc = Files.createTempDirectory("proc");
    try {
      Files.createDirectories(proc.resolve("net"));
      Files.writeString(proc.resolve("net/tcp"), TCP);
      Files.writeString(proc.resolve("net/udp"), UDP);
      Path fd = Files.createDirectories(proc.resolve("812/fd"));
      Files.writeString(proc.resolve("812/comm"), "sshd\n");
      Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[1045]"));
      Files.createDirectories(proc.resolve("self"));
      List<ListeningSocket> sockets = new ProcScanner(proc).listening();
      assertThat(sockets).hasSize(4);
      assertThat(sockets.get(0).process()).isEqualTo("sshd (pid 812)");
      assertThat(sockets.get(1).process()).isEqualTo("?");
    } finally {
      try (var walk = Files.walk(proc)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
