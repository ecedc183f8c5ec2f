package dev.porte.gateway;

import dev.porte.core.model.IpAddress;
import dev.porte.core.model.ProxyHeader;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;

/**
 * Opens a backend connection with the PROXY protocol header its service asks for, so the service
 * sees the client's address and port (and the address the client connected to) instead of the
 * gateway's. Netty's encoder writes the bytes; it stands in the backend's pipeline only for that one
 * write, so the relayed data never passes through it. Stateless.
 */
final class ProxyHeaders {
  private static final String ENCODER = "proxy-header";

  private ProxyHeaders() {}

  /**
   * Writes and flushes the header on {@code backend}, before any byte of {@code client}'s: at once,
   * not with the client's first data, because the service may be the one to speak first (SMTP,
   * SSH). A failed write closes the connection through the backend's exception handler.
   */
  static void send(ProxyHeader version, Channel client, Channel backend) {
    if (version == ProxyHeader.NONE) {
      return;
    }
    ChannelPipeline pipeline = backend.pipeline();
    pipeline.addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
    // On the backend's event loop (the client's), so the encoder has run when write returns.
    backend.writeAndFlush(message(version, (InetSocketAddress) client.remoteAddress(),
        (InetSocketAddress) client.localAddress()), backend.voidPromise());
    pipeline.remove(ENCODER);
  }

  /**
   * The header for a client at {@code source} that connected to {@code destination}. A dual-stack
   * listener reports IPv4 peers as {@code ::ffff:a.b.c.d}; those are sent as TCP4, as a plain IPv4
   * listener would see them. Should the two ever differ in family, both go as IPv6 (the IPv4 one
   * mapped), which the protocol allows and every reader understands.
   */
  static HAProxyMessage message(ProxyHeader version, InetSocketAddress source, InetSocketAddress destination) {
    IpAddress from = Addresses.of(source.getAddress());
    IpAddress to = Addresses.of(destination.getAddress());
    boolean v6 = from.v6() || to.v6();
    return new HAProxyMessage(
        version == ProxyHeader.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
        HAProxyCommand.PROXY,
        v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
        text(from, v6), text(to, v6), source.getPort(), destination.getPort());
  }

  private static String text(IpAddress address, boolean asV6) {
    return asV6 && !address.v6() ? "::ffff:" + address : address.toString();
  }
}
