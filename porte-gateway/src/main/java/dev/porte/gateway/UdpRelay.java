package dev.porte.gateway;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the datagrams of one UDP service. Each datagram is judged (UDP has no accept); an admitted
 * client address and port gets a session, a socket connected to the backend, whose replies go back
 * to the client while the outbound verdict allows them. Sessions idle longer than the configured
 * timeout are swept, measured on the injected ticker so tests can advance time.
 *
 * <p>Confined to the listening channel's event loop: every session socket is created on that same
 * loop, and {@link #sweep} and {@link #rejudge} are submitted to it, so the session map needs no
 * lock. Every dropped datagram is released; the shared listening channel is never closed on error.
 */
final class UdpRelay extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(UdpRelay.class);
  /**
   * Reads a whole datagram, up to the largest UDP payload (65,507 bytes over IPv4, 65,527 over
   * IPv6). Netty reads a datagram into 2,048 bytes unless told otherwise and drops the rest without
   * a word: a DNS answer with EDNS, a jumbo NetFlow export or a syslog line longer than that
   * reached the backend, or the client, cut short. The buffer is the pool's and goes back to it as
   * soon as the datagram is relayed.
   */
  static final RecvByteBufAllocator WHOLE_DATAGRAMS = new FixedRecvByteBufAllocator(65_536);
  /** Datagrams up to this size are copied out of the 64 KiB they were read into ({@link #fitted}). */
  private static final int FITTED_UP_TO = 16 * 1024;
  /**
   * What the listening socket asks the kernel to buffer, as DNS servers do: one socket takes every
   * client's datagrams, and a burst larger than the default (208 KiB, a few hundred small
   * datagrams) was dropped by the kernel before the gateway could read it (13% of a burst of 500
   * clients got through, 88% with this). The kernel grants at most {@code net.core.rmem_max}.
   */
  static final int LISTENER_RECEIVE_BUFFER = 4 << 20;

  private final Gateway gateway;
  private final int servicePort;

  private final Map<InetSocketAddress, UdpSession> sessions = new HashMap<>();
  private Channel listener;
  /** A cap reached is said once a minute per listener at most. */
  private final LogThrottle limitWarnings = new LogThrottle(Duration.ofMinutes(1));

  UdpRelay(Gateway gateway, int servicePort) {
    this.gateway = gateway;
    this.servicePort = servicePort;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    listener = ctx.channel();
    // A service may set a shorter timeout than the gateway's, and a reload may change it.
    long period = Math.max(100, Math.min(250, gateway.config().udpIdleTimeout().toMillis() / 4));
    ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DatagramPacket packet = (DatagramPacket) msg;
    InetSocketAddress sender = packet.sender();
    PolicySnapshot snapshot = gateway.snapshot();
    ServiceBinding service = snapshot.service(Protocol.UDP, servicePort);
    if (service == null) {
      packet.release();
      return;
    }
    IpAddress source = Addresses.of(sender.getAddress());
    IpAddress judged = gateway.config().judgedAs(source);
    ConnectionVerdict verdict = snapshot.engine.connect(Flow.inbound(Protocol.UDP, servicePort, judged));
    UdpSession session = sessions.get(sender);
    if (!verdict.admitted()) {
      gateway.metrics().decided(verdict.flow(), verdict.open());
      // Logged at debug: a flood of refused datagrams must not become a flood of log lines.
      LOG.debug("udp datagram from {} to {} refused ({})", sender, servicePort, verdict.open().decidedBy());
      packet.release();
      if (session != null) {
        close(session, CloseCause.POLICY_RELOAD, "policy no longer allows it");
      }
      return;
    }
    int n = packet.content().readableBytes();
    gateway.metrics().bytesIn(n);
    if (session == null) {
      ConnectionTracker.Refusal refusal = gateway.udpTracker().tryAcquire(source);
      if (refusal != null) {
        limited(refusal, sender);
        packet.release();
        return;
      }
      gateway.metrics().decided(verdict.flow(), verdict.open());
      ConnectionLog.decision(sender, source, judged, verdict);
      session = open(ctx, sender, source, service, snapshot.backend(service).first(), verdict);
    }
    session.verdict = verdict;
    session.lastSeen = gateway.config().ticker().getAsLong();
    session.bytesIn += n;
    UdpSession s = session;
    ByteBuf data = fitted(packet.content());
    if (s.ready.isSuccess()) {
      s.channel.writeAndFlush(data);
    } else {
      s.ready.addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          s.channel.writeAndFlush(data);
        } else {
          data.release();
        }
      });
    }
  }

  /**
   * {@code content} in a buffer of its own size when it is small. A datagram is read into 64 KiB
   * so that none is cut short, but most are far smaller, and one that waits (for its session's
   * socket to connect, for a send to complete) would hold all 64 KiB: under a burst of small
   * datagrams from a thousand clients, held buffers took the whole of the direct memory
   * (OutOfMemoryError at 192 MB). Copying a small datagram costs less than its system call.
   */
  static ByteBuf fitted(ByteBuf content) {
    int n = content.readableBytes();
    if (n > FITTED_UP_TO) {
      return content;
    }
    ByteBuf own = content.alloc().directBuffer(n, n);
    own.writeBytes(content, content.readerIndex(), n);
    content.release();
    return own;
  }

  /**
   * A new client over a session cap: its datagram is dropped and counted. Said in the log once a
   * minute per listener at most, as a flood of datagrams must not become a flood of log lines.
   */
  private void limited(ConnectionTracker.Refusal refusal, InetSocketAddress sender) {
    gateway.metrics().onLimited();
    if (limitWarnings.pass()) {
      String which = refusal == ConnectionTracker.Refusal.GLOBAL ? "the UDP session limit" : "the per-source UDP session limit";
      LOG.warn("udp {}/udp: a datagram from {} opens no session: {} ({}) is reached; such datagrams are dropped "
          + "and counted as limited", servicePort, AddressText.of(sender), which, gateway.udpTracker().limit(refusal));
    } else {
      LOG.debug("udp {}/udp: datagram from {} dropped: session limit", servicePort, sender);
    }
  }

  private UdpSession open(ChannelHandlerContext ctx, InetSocketAddress client, IpAddress source, ServiceBinding service,
      InetSocketAddress backend, ConnectionVerdict verdict) {
    UdpSession session = new UdpSession(client, source, verdict, gateway.config().ticker().getAsLong());
    Bootstrap bootstrap = new Bootstrap()
        .group(ctx.channel().eventLoop())
        .channel(gateway.udpTransport().datagram)
        .option(ChannelOption.RCVBUF_ALLOCATOR, WHOLE_DATAGRAMS)
        .resolver(NoopAddressResolverGroup.INSTANCE)
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext backendCtx, Object msg) {
            reply(session, (DatagramPacket) msg);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext backendCtx, Throwable cause) {
            backendFailed(session, service, cause);
          }
        });
    session.ready = bootstrap.connect(backend);
    session.channel = session.ready.channel();
    sessions.put(client, session);
    return session;
  }

  /**
   * The backend's socket reported an error: most often the ICMP port unreachable of a backend
   * that is down (nothing listens on its port), which the kernel hands the connected socket as
   * ECONNREFUSED. The session stays until it idles out, as the client may retry and the backend
   * come back; if it never answers, its close says {@code backend_unreachable}. The operator hears
   * of it as of a TCP backend that is down: one line per backend at most every ten seconds.
   */
  private void backendFailed(UdpSession session, ServiceBinding service, Throwable cause) {
    boolean refused = cause instanceof PortUnreachableException;
    String why = refused ? "ICMP port unreachable: nothing listens there" : RelayFrontendHandler.plain(cause);
    session.failure = why;
    long unsaid = gateway.unreachableWarnings().pass(service.backend());
    if (unsaid == UnreachableWarnings.QUIET) {
      LOG.debug("udp backend {} for {}: {}", service.backend(), session.client, cause.toString());
      return;
    }
    String others = unsaid == 0 ? "" : " (and " + unsaid + " more since the last such line)";
    LOG.warn("backend {} for {}/udp is unreachable ({}): its clients get no reply{}", service.backend(),
        servicePort, why, others);
  }

  private void reply(UdpSession session, DatagramPacket packet) {
    if (!session.verdict.dataFlows() || !listener.isActive()) {
      gateway.metrics().replyBlocked();
      packet.release();
      return;
    }
    int n = packet.content().readableBytes();
    session.bytesOut += n;
    session.lastSeen = gateway.config().ticker().getAsLong();
    gateway.metrics().bytesOut(n);
    listener.writeAndFlush(new DatagramPacket(fitted(packet.content()), session.client));
  }

  /**
   * Closes sessions idle for longer than the timeout (the service's, else the gateway's); runs on
   * the event loop.
   */
  void sweep() {
    long now = gateway.config().ticker().getAsLong();
    ServiceBinding service = gateway.snapshot().service(Protocol.UDP, servicePort);
    Duration gatewayDefault = gateway.config().udpIdleTimeout();
    long limit = (service == null ? gatewayDefault : service.idleOr(gatewayDefault)).toNanos();
    List<UdpSession> idle = new ArrayList<>();
    for (UdpSession s : sessions.values()) {
      if (now - s.lastSeen >= limit) {
        idle.add(s);
      }
    }
    for (UdpSession s : idle) {
      if (s.failure != null && s.bytesOut == 0) {
        close(s, CloseCause.BACKEND_UNREACHABLE, "backend unreachable: " + s.failure);
      } else {
        close(s, CloseCause.IDLE, "idle");
      }
    }
  }

  /** Re-judges every session against a new policy; runs on the event loop. */
  void rejudge(PolicySnapshot snapshot) {
    List<UdpSession> refused = new ArrayList<>();
    for (UdpSession s : sessions.values()) {
      ConnectionVerdict v = snapshot.engine.connect(s.verdict.flow());
      if (!v.admitted() || snapshot.service(Protocol.UDP, servicePort) == null) {
        refused.add(s);
      } else {
        s.verdict = v;
      }
    }
    refused.forEach(s -> close(s, CloseCause.POLICY_RELOAD, "policy reload: no longer allowed"));
  }

  int sessionCount() {
    return sessions.size();
  }

  private void close(UdpSession s, CloseCause cause, String reason) {
    sessions.remove(s.client);
    gateway.udpTracker().release(s.source);
    s.channel.close();
    ConnectionLog.close(s.client, servicePort + "/udp", s.verdict.open().decidedBy(), s.bytesIn, s.bytesOut,
        TimeUnit.NANOSECONDS.toMillis(gateway.config().ticker().getAsLong() - s.started), cause, reason);
    gateway.report(s.verdict, s.bytesIn, s.bytesOut, cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    new ArrayList<>(sessions.values()).forEach(s -> close(s, CloseCause.GATEWAY_STOPPED, "gateway stopped listening"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Never close the shared listening channel: one bad datagram must not stop the service.
    LOG.debug("udp listener {}: {}", servicePort, cause.toString());
  }

  /** One client address and port and its socket towards the backend. Event-loop confined. */
  static final class UdpSession {
    final InetSocketAddress client;
    /** The client's address as the caps count it. */
    final IpAddress source;
    final long started;
    ConnectionVerdict verdict;
    long lastSeen;
    long bytesIn;
    long bytesOut;
    /** What the backend's socket last failed with (an ICMP port unreachable), or null. */
    @Nullable String failure;
    ChannelFuture ready;
    Channel channel;

    UdpSession(InetSocketAddress client, IpAddress source, ConnectionVerdict verdict, long now) {
      this.client = client;
      this.source = source;
      this.verdict = verdict;
      this.started = now;
      this.lastSeen = now;
    }
  }
}
