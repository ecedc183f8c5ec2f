package dev.porte.gateway;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/**
 * Decides a new TCP connection once, at accept, and then leaves the pipeline (as Netty's
 * {@code AbstractRemoteAddressFilter} does), so admitted traffic pays nothing more.
 *
 * <ul>
 *   <li>deny: the connection is ended with a FIN and not a byte written; what the client sent
 *       is dropped unread by the relay;
 *   <li>reject: it is reset (SO_LINGER 0, so the close sends an RST);
 *   <li>allow, within the connection caps: the relay takes over and dials the backend.
 * </ul>
 *
 * Sharable and thread-safe: its fields are final and the policy comes from the gateway's one
 * volatile snapshot.
 */
@Sharable
final class AdmissionHandler extends ChannelInboundHandlerAdapter {
  private final Gateway gateway;
  private final int servicePort;

  AdmissionHandler(Gateway gateway, int servicePort) {
    this.gateway = gateway;
    this.servicePort = servicePort;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    PolicySnapshot snapshot = gateway.snapshot();
    ServiceBinding service = snapshot.service(Protocol.TCP, servicePort);
    if (service == null) {
      // A reload removed this service between the accept and now; its door is gone.
      ch.close();
      return;
    }
    IpAddress source = Addresses.of(ch.remoteAddress());
    IpAddress judged = gateway.config().judgedAs(source);
    ConnectionVerdict verdict = snapshot.engine.connect(Flow.inbound(Protocol.TCP, servicePort, judged));
    gateway.metrics().decided(verdict.flow(), verdict.open());
    ConnectionLog.decision(ch.remoteAddress(), source, judged, verdict);
    switch (verdict.open().action()) {
      case ALLOW:
        admit(ctx, source, service, snapshot.backend(service), verdict);
        break;
      case REJECT:
        gateway.report(verdict, 0, 0, null);
        reset(ch);
        break;
      default:
        gateway.report(verdict, 0, 0, null);
        // Deny: nothing said. The kernel has completed the handshake already, so a FIN with no
        // data is the closest a userspace listener comes to a drop. A plain close over bytes the
        // client already sent would be an RST, so drain them while the FIN goes out.
        ctx.pipeline().replace(this, "drop", DiscardHandler.INSTANCE);
        Relay.closeGently(ch);
    }
  }

  private void admit(ChannelHandlerContext ctx, IpAddress source, ServiceBinding service, BackendAddresses backend,
      ConnectionVerdict verdict) {
    Channel ch = ctx.channel();
    ConnectionTracker tracker = gateway.tracker();
    ConnectionTracker.Refusal refusal = tracker.tryAcquire(source);
    if (refusal != null) {
      gateway.metrics().onLimited();
      ConnectionLog.limited(ch.remoteAddress(), verdict.flow().portText(), refusal.text, tracker.limit(refusal));
      reset(ch);
      return;
    }
    if (!gateway.serviceCaps().tryAcquire(service.port(), service.maxConnections())) {
      tracker.release(source);
      gateway.metrics().onLimited();
      ConnectionLog.limited(ch.remoteAddress(), verdict.flow().portText(), "service " + service.port() + "'s connection limit",
          service.maxConnections());
      reset(ch);
      return;
    }
    Connection connection = new Connection(ch, source, service, backend, verdict);
    tracker.add(connection);
    gateway.idle().add(connection);
    gateway.metrics().opened();
    ch.closeFuture().addListener(f -> gateway.closed(connection));
    ctx.pipeline().replace(this, "relay", new RelayFrontendHandler(gateway, connection));
    // The relay was added after this event started; hand it on so the relay sees it.
    ctx.fireChannelActive();
  }

  static void reset(Channel ch) {
    ch.config().setOption(ChannelOption.SO_LINGER, 0);
    ch.close();
  }
}
