package dev.porte.nft;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A socket that waits for clients: a TCP socket in LISTEN state or an unconnected UDP socket, as
 * the kernel lists it in {@code /proc/net/{tcp,tcp6,udp,udp6}}, with the owning process when
 * known ({@code ss -ltnup}'s view). Immutable.
 */
public record ListeningSocket(Protocol protocol, IpAddress address, int port, long inode, String process) {
  /** TCP_LISTEN in include/net/tcp_states.h. */
  private static final String TCP_LISTEN = "0A";

  /** TCP_CLOSE: what an unconnected (bound, "listening") UDP socket shows. */
  private static final String UDP_UNCONNECTED = "07";

  /** True for 0.0.0.0 and ::, which accept on every address of the host. */
  public boolean onEveryAddress() {
    return address.hi() == 0 && address.lo() == 0;
  }

  public boolean loopbackOnly() {
    return address.isLoopback();
  }

  /** {@code "0.0.0.0"}, {@code "[::]"}, {@code "127.0.0.1"}. */
  public String addressText() {
    return address.v6() ? "[" + address + "]" : address.toString();
  }

  /**
   * Parses one {@code /proc/net/*} table. {@code v6} says whether the addresses are 128-bit; the
   * text is the kernel's (header line first), e.g.
   *
   * <pre>   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 1045 1 ...</pre>
   */
  public static List<ListeningSocket> parse(String text, Protocol protocol, boolean v6, Map<Long, String> owners) {
    List<ListeningSocket> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 10) {
        continue;
      }
      String state = f[3].toUpperCase(Locale.ROOT);
      boolean listening = protocol == Protocol.TCP ? state.equals(TCP_LISTEN)
          : state.equals(UDP_UNCONNECTED) && f[2].endsWith(":0000");
      if (!listening) {
        continue;
      }
      int colon = f[1].lastIndexOf(':');
      IpAddress address = address(f[1].substring(0, colon), v6);
      int port = Integer.parseInt(f[1].substring(colon + 1), 16);
      long inode = Long.parseLong(f[9]);
      out.add(new ListeningSocket(protocol, address, port, inode, owners.getOrDefault(inode, "?")));
    }
    return out;
  }

  /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
  static IpAddress address(String hex, boolean v6) {
    if (!v6) {
      return IpAddress.v4(Integer.reverseBytes((int) Long.parseLong(hex, 16)));
    }
    long[] words = new long[4];
    for (int w = 0; w < 4; w++) {
      words[w] = Integer.toUnsignedLong(Integer.reverseBytes((int) Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16)));
    }
    return IpAddress.v6((words[0] << 32) | words[1], (words[2] << 32) | words[3]);
  }

  /**
   * Socket inode to process name, from the {@code socket:[inode]} links of {@code
   * /proc/PID/fd/*} (given here as pid to link targets, read by {@link ProcScanner}).
   */
  public static Map<Long, String> owners(Map<String, List<String>> fdLinksByProcess) {
    Map<Long, String> out = new java.util.HashMap<>();
    fdLinksByProcess.forEach((process, links) -> {
      for (String link : links) {
        if (link.startsWith("socket:[") && link.endsWith("]")) {
          out.putIfAbsent(Long.parseLong(link.substring(8, link.length() - 1)), process);
        }
      }
    });
    return out;
  }
}
