package dev.porte.gateway;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads and drops whatever a refused client still sends while its connection is being closed
 * with a FIN (see {@link Relay#closeGently}); closes once the client has closed its side.
 * Sharable and stateless.
 */
@Sharable
final class DiscardHandler extends ChannelInboundHandlerAdapter {
  static final DiscardHandler INSTANCE = new DiscardHandler();

  private DiscardHandler() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt);
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
