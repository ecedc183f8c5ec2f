package dev.porte.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Binds the listening sockets of one TCP service address.
 *
 * <p>On io_uring and epoll each I/O thread gets a listening socket of its own on the same address
 * ({@code SO_REUSEPORT}), and the connections it accepts stay on that thread: the kernel spreads
 * new connections over the sockets, and no connection is handed from an accept thread to an I/O
 * thread (a queue, a futex and a wake-up per connection, which the benchmark showed to halve the
 * rate of new connections). On NIO one socket accepts on the accept group and hands off, as
 * Netty's NIO transport cannot share a port.
 */
final class TcpAcceptors {
  /**
   * Connections one I/O thread accepts per wake-up, at most. Netty's default for a listening
   * socket stops after one accept (it cannot tell whether more wait), which is harmless on a
   * thread that only accepts but starved accepting on a thread that also relays: with a thousand
   * busy connections the soak test saw 40 accepts a second per thread. So accept until the queue
   * is empty or this many are taken; HAProxy's {@code tune.maxaccept} bounds the same loop.
   */
  static final int ACCEPTS_PER_WAKEUP = 256;

  private TcpAcceptors() {}

  /** What a bind gave: the listening channels, or the cause it failed with (nothing left bound). */
  record Bound(List<Channel> channels, @Nullable Throwable failure) {
    boolean ok() {
      return failure == null;
    }
  }

  private static RecvByteBufAllocator acceptAllocator() {
    DefaultMaxMessagesRecvByteBufAllocator allocator = new ServerChannelRecvByteBufAllocator().respectMaybeMoreData(false);
    allocator.maxMessagesPerRead(ACCEPTS_PER_WAKEUP);
    return allocator;
  }

  /**
   * Binds {@code address}; each connection it accepts starts with {@code childHandler}, and a
   * failed accept goes to {@code acceptFailures}.
   */
  static Bound bind(Transport transport, EventLoopGroup acceptGroup, EventLoopGroup ioGroup, SocketAddress address,
      ChannelHandler childHandler, ChannelHandler acceptFailures, TcpKeepalive keepalive) {
    if (!transport.sharesPorts()) {
      ServerBootstrap b = bootstrap(transport, acceptGroup, ioGroup, childHandler, acceptFailures, false);
      keepalive.applyTo(b, false);
      ChannelFuture f = b.bind(address).awaitUninterruptibly();
      return f.isSuccess() ? new Bound(List.of(f.channel()), null) : new Bound(List.of(), f.cause());
    }
    IOException taken = heldByAnother(address);
    if (taken != null) {
      return new Bound(List.of(), taken);
    }
    List<Channel> bound = new ArrayList<>();
    SocketAddress next = address;
    for (EventExecutor executor : ioGroup) {
      EventLoop loop = (EventLoop) executor;
      ServerBootstrap b = bootstrap(transport, loop, loop, childHandler, acceptFailures, true);
      keepalive.applyTo(b, true);
      ChannelFuture f = b.bind(next).awaitUninterruptibly();
      if (!f.isSuccess()) {
        bound.forEach(ch -> ch.close().awaitUninterruptibly());
        return new Bound(List.of(), f.cause());
      }
      bound.add(f.channel());
      // Port 0 picks a free port once; the other threads' sockets must share that one.
      next = f.channel().localAddress();
    }
    return new Bound(List.copyOf(bound), null);
  }

  /**
   * SO_REUSEPORT lets every socket of the same user with the option join a port: a second porte
   * started on the same ports would share the clients with the first instead of failing. So before
   * a group binds, a plain socket (without the option) tries the address: it cannot bind where any
   * socket listens, whatever its options, and says "Address already in use" as a plain listener
   * would. SO_REUSEADDR on the probe ignores connections of an earlier run still in TIME_WAIT.
   * Port 0 picks a free port, so there is nothing to check.
   */
  private static @Nullable IOException heldByAnother(SocketAddress address) {
    if (!(address instanceof InetSocketAddress inet) || inet.getPort() == 0) {
      return null;
    }
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      probe.bind(inet);
      return null;
    } catch (IOException e) {
      return e;
    } catch (UnsupportedAddressTypeException e) {
      // The JDK's sockets here lack the address's family (an IPv4-only JVM): no verdict, the
      // group's own bind decides.
      return null;
    }
  }

  private static ServerBootstrap bootstrap(Transport transport, EventLoopGroup parent, EventLoopGroup child,
      ChannelHandler childHandler, ChannelHandler acceptFailures, boolean reusePort) {
    ServerBootstrap b = new ServerBootstrap()
        .group(parent, child)
        .channel(transport.server)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        // Netty sets TCP_NODELAY on every new socket already; asking again costs a syscall each.
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, Relay.READS)
        .childOption(ChannelOption.ALLOCATOR, RelayBuffers.ALLOCATOR)
        .handler(acceptFailures)
        .childHandler(childHandler);
    if (reusePort) {
      b.option(UnixChannelOption.SO_REUSEPORT, true)
          .option(ChannelOption.RCVBUF_ALLOCATOR, acceptAllocator());
    }
    return b;
  }
}
