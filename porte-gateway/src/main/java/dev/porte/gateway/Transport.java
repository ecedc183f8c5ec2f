package dev.porte.gateway;

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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The channel classes of one transport: native epoll where the platform has it, NIO otherwise.
 * Chosen once at start. Immutable and thread-safe.
 */
final class Transport {
  final String name;
  final Class<? extends ServerChannel> server;
  final Class<? extends SocketChannel> socket;
  final Class<? extends DatagramChannel> datagram;
  private final boolean epoll;

  private Transport(boolean epoll) {
    this.epoll = epoll;
    this.name = epoll ? "epoll" : "nio";
    this.server = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.socket = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.datagram = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  static Transport best() {
    return new Transport(Epoll.isAvailable());
  }

  EventLoopGroup newGroup(int threads) {
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, io);
  }
}
