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
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The channel classes of one transport: native epoll where the platform has it, NIO otherwise.
 * Chosen once at start. Immutable and thread-safe.
 */
final class Transport {
  final String name;
  final Class<? extends ServerChannel> server;
  final Class<? extends DatagramChannel> datagram;
  private final boolean epoll;
  private static final ChannelFactory<EpollSocketChannel> EPOLL_INET = () -> new EpollSocketChannel(SocketProtocolFamily.INET);
  private static final ChannelFactory<EpollSocketChannel> EPOLL_INET6 = () -> new EpollSocketChannel(SocketProtocolFamily.INET6);

  private Transport(boolean epoll) {
    this.epoll = epoll;
    this.name = epoll ? "epoll" : "nio";
    this.server = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.datagram = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  static Transport best() {
    return new Transport(Epoll.isAvailable());
  }

  /** Whether several sockets may listen on one port ({@code SO_REUSEPORT}), one per I/O thread. */
  boolean sharesPorts() {
    return epoll;
  }

  /**
   * A factory of client sockets for {@code remote}. On epoll the socket has the backend's own
   * family: Netty's default is a dual-stack IPv6 socket, which costs a setsockopt(IPV6_V6ONLY) per
   * connection and carries IPv4 as mapped addresses.
   */
  ChannelFactory<? extends Channel> socketFor(InetSocketAddress remote) {
    if (!epoll) {
      return NioSocketChannel::new;
    }
    return remote.getAddress() instanceof Inet4Address ? EPOLL_INET : EPOLL_INET6;
  }

  EventLoopGroup newGroup(int threads) {
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, io);
  }
}
