package dev.porte.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import org.jspecify.annotations.Nullable;

/** What both relay directions share: forwarding with backpressure, flushing before a close, passing a half-close on. */
final class Relay {
  private Relay() {}

  /**
   * The largest read a relay makes at once. Netty's default stops at 64 KiB; side by side on
   * loopback, bulk throughput through the gateway went from about 6.3 Gbit/s with 64 KiB reads to
   * 7.5 with 256 KiB and about 9.5 with 512 KiB, and no higher with 1-4 MiB. What a busy connection
   * may hold stays bounded: one read per direction plus the write buffer's high-water mark.
   */
  static final int MAX_READ = 512 * 1024;

  /**
   * How much a relay reads at once: small at first (an idle connection holds little), growing with
   * what arrives up to {@link #MAX_READ}, so a bulk transfer moves in few large reads and writes.
   * One instance for every channel: the allocator only makes each channel its own handle.
   */
  static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);

  /**
   * Queues {@code msg} on {@code to}; the read batch's end flushes it ({@link #flush}), so the bytes
   * of several reads leave in one write. Backpressure is the peer's write buffer: once {@code to}
   * holds more than its high-water mark, {@code from} stops reading until {@code to} has drained
   * ({@link #resume}), so a slow side slows the other down instead of filling memory. Reading is
   * switched only when the buffer crosses a mark, not per message: a toggle costs an epoll_ctl.
   * A failed write fires {@code exceptionCaught} on {@code to}, which closes the connection.
   */
  static void forward(ChannelHandlerContext from, Object msg, Channel to) {
    to.write(msg, to.voidPromise());
    if (!to.isWritable()) {
      from.channel().config().setAutoRead(false);
    }
  }

  /** The end of a read batch from the other side: what {@link #forward} queued on {@code to} leaves now. */
  static void flush(@Nullable Channel to) {
    if (to != null) {
      to.flush();
    }
  }

  /** {@code drained} changed writability: once it can take more, {@code source} reads again. */
  static void resume(Channel drained, @Nullable Channel source) {
    if (drained.isWritable() && source != null) {
      readAgain(source);
    }
  }

  /**
   * Lets {@code ch} be read again, unless it is closed or its peer has said all it will (its
   * input is shut down): there is nothing left to read then, and on epoll asking would fail, as
   * Netty has taken the socket out of the epoll set by then, and the failure closes the channel.
   */
  static void readAgain(Channel ch) {
    if (ch.isActive() && !((DuplexChannel) ch).isInputShutdown()) {
      ch.config().setAutoRead(true);
    }
  }

  /** Closes {@code ch} once what is queued on it has been written. */
  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
  }

  /**
   * Ends a client connection with a FIN rather than an RST: closing a socket that holds unread
   * bytes (a request the client sent before the backend failed) makes the kernel send an RST, so
   * say FIN first, read and drop what comes (the relay releases it), and close once the client
   * closes or after a second.
   */
  static void closeGently(Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    readAgain(ch);
    ((DuplexChannel) ch).shutdownOutput();
    ch.eventLoop().schedule(() -> ch.close(), 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * {@code from} will send no more (its peer shut down its output). If {@code to} has already said
   * all it will say too, both directions are done: close both once what is queued for {@code to}
   * has gone (a close, not a shutdown and then a close: the common end of a connection costs one
   * syscall less). Otherwise shut down our output towards {@code to} after what is queued has gone,
   * and keep relaying the other way. Netty's shutdownOutput fails pending writes, hence the flush
   * first.
   */
  static void halfClose(Channel from, Channel to) {
    if (!to.isActive()) {
      from.close();
      return;
    }
    boolean bothDone = ((DuplexChannel) to).isInputShutdown();
    to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess() || bothDone) {
        to.close();
        from.close();
        return;
      }
      // Everything for `to` has gone and nothing more will come (`from` is done), so when `to`
      // ends too, both directions are: let its end close it at once (and channelInactive close
      // the other side after a flush) instead of having Netty shut its input down first, a
      // syscall per connection that fails with ENOTCONN, and an exception, once the peer has
      // closed. Set now, not after our shutdown below: the peer's FIN often arrives before that
      // task has run.
      to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
      // As a task of its own: Netty's shutdownOutput builds an exception with a stack trace for
      // the writes it would fail, on every call, and from a task the stack is a third as deep as
      // from inside this listener (3% of the gateway's CPU at 9,000 connections a second).
      to.eventLoop().execute(() -> shutdownOutput(from, to));
    });
  }

  private static void shutdownOutput(Channel from, Channel to) {
    // The peer's FIN often comes first, and `to` is closed by then (half-closure is off above):
    // shutting down a closed channel would only fail, after Netty has built a
    // ClosedChannelException with its stack trace (most connections of a Connection: close
    // load, and 1.6% of the gateway's user time). Its close closes `from` too (channelInactive).
    if (!to.isActive() || ((DuplexChannel) to).isOutputShutdown()) {
      return;
    }
    ((DuplexChannel) to).shutdownOutput().addListener(done -> {
      if (((DuplexChannel) to).isInputShutdown()) {
        to.close();
      }
      if (((DuplexChannel) from).isOutputShutdown()) {
        from.close();
      }
    });
  }
}
