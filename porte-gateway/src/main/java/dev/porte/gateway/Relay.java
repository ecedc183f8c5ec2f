package dev.porte.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;

/** What both relay directions share: forwarding with backpressure, flushing before a close, passing a half-close on. */
final class Relay {
  private Relay() {}

  /**
   * Writes {@code msg} to {@code to} and reads the next message from {@code from} only once it is
   * written: read-after-write is the backpressure, so a slow side slows the other down instead of
   * filling memory. A failed write closes the side that failed.
   */
  static void forward(ChannelHandlerContext from, Object msg, Channel to) {
    to.writeAndFlush(msg).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        from.channel().read();
      } else {
        f.channel().close();
      }
    });
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
    ch.config().setAutoRead(true);
    ((DuplexChannel) ch).shutdownOutput();
    ch.eventLoop().schedule(() -> ch.close(), 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * {@code from} will send no more (its peer shut down its output): shut down our output towards
   * {@code to} after what is queued has gone, and close a side whose both directions are done.
   * Netty's shutdownOutput fails pending writes, hence the empty write first.
   */
  static void halfClose(Channel from, Channel to) {
    if (!to.isActive()) {
      from.close();
      return;
    }
    to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess()) {
        to.close();
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
    });
  }
}
