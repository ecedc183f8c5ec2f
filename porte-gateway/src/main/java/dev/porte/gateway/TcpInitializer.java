package dev.porte.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Wires a new client connection: the idle timer, then the admission decision, which replaces
 * itself with the relay when the connection is admitted. Only wires; decides nothing.
 */
final class TcpInitializer extends ChannelInitializer<Channel> {
  private final AdmissionHandler admission;
  private final long idleMillis;

  TcpInitializer(Gateway gateway, int servicePort) {
    this.admission = new AdmissionHandler(gateway, servicePort);
    this.idleMillis = gateway.config().idleTimeout().toMillis();
  }

  @Override
  protected void initChannel(Channel ch) {
    // The idle timer comes first so that its events pass through the relay that replaces "admit".
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
        .addLast("admit", admission);
  }
}
