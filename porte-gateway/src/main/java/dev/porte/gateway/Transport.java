package dev.porte.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The channel classes of one transport, chosen once at start: io_uring where the kernel allows it,
 * else native epoll, else NIO; {@code -Dporte.transport=epoll|io_uring|nio} asks for one.
 *
 * <p>Why io_uring first: a relayed connection costs a handful of system calls per connection
 * through io_uring against about 38 through epoll (accept, connect, reads, writes, epoll_ctl
 * changes, shutdowns, each one a trap), and the benchmark's new-connection rate is bound by them;
 * measured side by side, io_uring used about 100 us of CPU per proxied connection, epoll about 140,
 * HAProxy about 87. Containers often forbid io_uring (seccomp); then epoll it is. Immutable and
 * thread-safe.
 */
final class Transport {
  /** The transports, in the order {@link #best} prefers them when none is asked for. */
  enum Kind {
    IO_URING,
    EPOLL,
    NIO;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  final String name;
  final Class<? extends ServerChannel> server;
  final Class<? extends DatagramChannel> datagram;
  private final Kind kind;
  private final ChannelFactory<? extends Channel> inet;
  private final ChannelFactory<? extends Channel> inet6;
  private final Supplier<IoHandlerFactory> io;

  private Transport(Kind kind) {
    this.kind = kind;
    this.name = kind.text();
    switch (kind) {
      case EPOLL:
        server = EpollServerSocketChannel.class;
        datagram = EpollDatagramChannel.class;
        inet = () -> new EpollSocketChannel(SocketProtocolFamily.INET);
        inet6 = () -> new EpollSocketChannel(SocketProtocolFamily.INET6);
        io = EpollIoHandler::newFactory;
        break;
      case IO_URING:
        server = IoUringServerSocketChannel.class;
        datagram = IoUringDatagramChannel.class;
        // Netty's io_uring sockets are always dual-stack.
        inet = IoUringSocketChannel::new;
        inet6 = IoUringSocketChannel::new;
        io = IoUringIoHandler::newFactory;
        break;
      default:
        server = NioServerSocketChannel.class;
        datagram = NioDatagramChannel.class;
        inet = NioSocketChannel::new;
        inet6 = NioSocketChannel::new;
        io = NioIoHandler::newFactory;
    }
  }

  /**
   * The transport named by the system property {@code porte.transport} ({@code io_uring},
   * {@code epoll}, {@code nio}) when the platform has it, else the first of io_uring, epoll and
   * NIO that it has.
   */
  static Transport best() {
    String asked = System.getProperty("porte.transport", "").trim().toLowerCase(Locale.ROOT);
    boolean uring = IoUring.isAvailable();
    boolean epoll = Epoll.isAvailable();
    if (asked.equals("nio") || (!uring && !epoll)) {
      return new Transport(Kind.NIO);
    }
    if (asked.equals("epoll") && epoll) {
      return new Transport(Kind.EPOLL);
    }
    return new Transport(uring ? Kind.IO_URING : Kind.EPOLL);
  }

  /** Whether several sockets may listen on one port ({@code SO_REUSEPORT}), one per I/O thread. */
  boolean sharesPorts() {
    return kind != Kind.NIO;
  }

  /**
   * A factory of client sockets for {@code remote}, of the backend's own family: the native
   * transports' default is a dual-stack IPv6 socket, which costs a setsockopt(IPV6_V6ONLY) per
   * connection and carries IPv4 as mapped addresses.
   */
  ChannelFactory<? extends Channel> socketFor(InetSocketAddress remote) {
    return remote.getAddress() instanceof Inet4Address ? inet : inet6;
  }

  /**
   * The transport for UDP: epoll where this is io_uring and epoll is there too. Netty's io_uring
   * datagram channel keeps 512 message headers of its own in direct memory, and each UDP session
   * is a channel: measured with 1,000 clients at once, a session cost 293 KB on io_uring against 6
   * KB on epoll, so the default cap of about 5,000 sessions would have taken 1.5 GB, and the
   * io_uring listener, busy setting sessions up, let the kernel drop most of a burst (1,081
   * sessions set up against 2,909 on epoll).
   */
  Transport forDatagrams() {
    return kind == Kind.IO_URING && Epoll.isAvailable() ? new Transport(Kind.EPOLL) : this;
  }

  EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, io.get());
  }
}
