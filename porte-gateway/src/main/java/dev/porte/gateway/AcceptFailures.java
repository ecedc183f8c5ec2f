package dev.porte.gateway;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket's failed accept, most often "Too many open files": said in one line that names
 * the listener and the remedy (at most every ten seconds per gateway, as it repeats while the limit
 * holds), and accepting pauses for a second, as Netty's own acceptor would, so that a full
 * descriptor table does not become a busy loop. The clients meanwhile wait in the backlog and are
 * taken once descriptors are free. Netty's default for an exception nobody handles is a warning with
 * a stack trace that reads like a bug; this is the handler it asks for. Sharable: its throttle is.
 */
@Sharable
final class AcceptFailures extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptFailures.class);
  static final long PAUSE_MILLIS = 1000;

  private final LogThrottle warnings;

  /** {@code warnings}: shared with the other warnings about running out of descriptors. */
  AcceptFailures(LogThrottle warnings) {
    this.warnings = warnings;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (warnings.pass()) {
      String message = String.valueOf(cause.getMessage());
      LOG.warn("cannot accept new connections on {}: {}{}; trying again in {} ms", AddressText.of(ctx.channel().localAddress()),
          message, FileDescriptors.remedyFor(message), PAUSE_MILLIS);
    }
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      ctx.executor().schedule(() -> {
        if (ctx.channel().isOpen()) {
          ctx.channel().config().setAutoRead(true);
        }
      }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
