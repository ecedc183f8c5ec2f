package dev.porte.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend side of an admitted connection: moves the backend's bytes to the client with the
 * same backpressure as {@link RelayFrontendHandler}, and enforces the outbound
 * verdict on them. In {@code filtered} mode with the outbound port denied, the first reply is
 * dropped and the connection closed: the request reached the service, not one byte of the answer
 * reaches the client. The check is per read, so a reload that denies replies takes effect at once.
 * Not sharable: one per connection.
 */
final class RelayBackendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RelayBackendHandler.class);

  private final Gateway gateway;
  private final Connection connection;
  private final Channel client;

  RelayBackendHandler(Gateway gateway, Connection connection, Channel client) {
    this.gateway = gateway;
    this.connection = connection;
    this.client = client;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!connection.repliesAllowed()) {
      ReferenceCountUtil.release(msg);
      gateway.metrics().replyBlocked();
      connection.close(CloseCause.REPLY_WITHHELD, "outbound " + connection.verdict().flow().portText() + " denied by "
          + connection.verdict().data().decidedBy() + ": reply withheld");
      return;
    }
    int n = ((ByteBuf) msg).readableBytes();
    connection.addOut(n);
    gateway.idle().touch(connection);
    gateway.metrics().bytesOut(n);
    Relay.forward(ctx, msg, client);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Relay.flush(client);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Relay.resume(ctx.channel(), client);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      Relay.halfClose(ctx.channel(), client);
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Relay.closeOnFlush(client);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("backend connection {} failed", ctx.channel(), cause);
    connection.abort(ctx.channel(), CloseCause.BACKEND_ERROR, RelayFrontendHandler.failure("backend", cause));
  }
}
