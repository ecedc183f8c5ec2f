package dev.porte.gateway;

import dev.porte.core.model.DurationText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an admitted connection: dials the backend on the client's own event loop
 * (again, up to the gateway's connect retries, when it refuses or does not answer), then moves the
 * client's bytes to it. The client is read only once the backend is connected, and
 * then only while the backend's write buffer is below its high-water mark ({@link Relay#forward}),
 * so a slow backend slows the client down instead of filling the gateway's memory. Not sharable:
 * one per connection.
 */
final class RelayFrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RelayFrontendHandler.class);
  // How Netty's epoll and io_uring transports word a failed system call.
  private static final Pattern NATIVE_CALL =
      Pattern.compile("(?:io_uring )?\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: (.+)");
  // The address Netty's epoll and NIO append to a failed connect (": /127.0.0.1:9"): the log line
  // names the backend already.
  private static final Pattern ADDRESS_SUFFIX = Pattern.compile(": \\S*/\\S+$");

  private final Gateway gateway;
  private final Connection connection;
  // Touched only on this channel's event loop (the backend shares it), so no volatile needed.
  private @Nullable Channel backend;
  /**
   * What the client sent while the backend was still being dialled. The client is not read until
   * the backend answers, but epoll reads anyway when the client's FIN arrives (Netty drains the
   * socket on EPOLLRDHUP whatever autoRead says): a request sent with a FIN at once, as
   * {@code nc -N} or an HTTP/1.0 client sends it. Bounded by what the client's socket held when
   * its FIN came; null when nothing waits.
   */
  private @Nullable ArrayDeque<ByteBuf> early;
  /** The client's FIN came while the backend was being dialled: pass it on once connected. */
  private boolean endedEarly;
  private Phase phase = Phase.DIALLING;

  /** Where the connection is: what a read from the client, or its FIN, means depends on it. */
  private enum Phase {
    /** The backend is being dialled, or will be again: what the client sends waits. */
    DIALLING,
    /** Connected: what the client sends goes to the backend. */
    RELAYING,
    /** No backend will answer: the client is being closed, and what it sends is dropped. */
    FAILED
  }

  RelayFrontendHandler(Gateway gateway, Connection connection) {
    this.gateway = gateway;
    this.connection = connection;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    dial(ctx.channel(), 1, connection.backendAddresses.preferred(), 0, null);
  }

  /**
   * Dials the backend, {@code attempt} of {@code 1 + connectRetries}: the {@code step}th of its
   * addresses from {@code start}, the one that answered last. A failed dial moves on to the next
   * address at once, and the attempt fails once none has answered ({@link BackendAddresses}). The
   * client is not read until a dial succeeds, so what it sent waits in the kernel and reaches
   * whichever dial succeeds: a retry loses nothing and sends nothing twice. {@code failed} is why
   * the address before failed for (the log says it when a later one answers), null on an attempt's
   * first dial.
   */
  private void dial(Channel client, int attempt, int start, int step, @Nullable String failed) {
    if (!client.isActive()) {
      return; // the client left, or a reload or the stop closed it, while we waited to dial again
    }
    // The backend channel is made by hand rather than by a Bootstrap per connection: the same
    // steps (options, handler, register, connect) without its maps and its resolver lookup,
    // which takes a lock. The address was resolved at policy load.
    BackendAddresses addresses = connection.backendAddresses;
    InetSocketAddress address = addresses.at(start, step);
    Channel out;
    try {
      out = gateway.transport().socketFor(address).newChannel();
    } catch (ChannelException e) {
      noBackendSocket(e);
      return;
    }
    ChannelConfig config = out.config();
    // Read as soon as connected: a backend may speak first (an SSH banner). TCP_NODELAY is
    // Netty's default, as on the client side: small writes are relayed at once.
    config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    config.setRecvByteBufAllocator(Relay.READS);
    config.setAllocator(RelayBuffers.ALLOCATOR);
    config.setConnectTimeoutMillis((int) connectTimeout().toMillis());
    backend = out;
    connection.backend(out);
    // On the client's own event loop: we are on it, so registration is done when register
    // returns, and both sides of the connection share one thread.
    ChannelFuture registered = client.eventLoop().register(out);
    ChannelFuture connect = registered.isSuccess() ? out.connect(address)
        : registered.isDone() ? registered
        : out.newFailedFuture(new IllegalStateException("the backend channel was not registered at once"));
    connect.addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        // The relay joins the backend's pipeline only once it is connected, before its first read:
        // a dial that failed must have no say over the client. Its RST shuts its input on epoll,
        // and a relay there would pass that on to the client as a half-close.
        out.pipeline().addLast(new RelayBackendHandler(gateway, connection, client));
        if (attempt > 1) {
          LOG.info("backend {} for {} answered on attempt {} after {}", connection.service.backend(),
              connection.verdict().flow().portText(), attempt, elapsed());
        }
        if (step > 0 && addresses.prefer(start, start + step)) {
          LOG.warn("backend {} for {}: {} did not answer ({}), {} did; new connections dial it first",
              connection.service.backend(), connection.verdict().flow().portText(), tried(addresses, start, step),
              failed, host(address));
        }
        phase = Phase.RELAYING;
        ProxyHeaders.send(connection.service.proxy(), client, out);
        Relay.readAgain(client);
        sendEarly(client, out);
        return;
      }
      if (!client.isActive() || connection.closeCause() != CloseCause.CLOSED) {
        // The client left, or a reload, the idle sweep or the stop ended the connection, while it
        // dialled: the dial was cut short, not the backend's fault, and there is nobody to dial for.
        return;
      }
      // A name that did not resolve at policy load stays unresolved until a reload: no use dialling again.
      boolean unresolved = addresses.isUnresolved();
      String why = unresolved ? "its name does not resolve" : plain(f.cause());
      if (!unresolved && step + 1 < addresses.size()) {
        LOG.debug("backend {} for {}: {} failed ({}), dialling the next address", connection.service.backend(),
            connection.verdict().flow().portText(), host(address), why);
        dial(client, attempt, start, step + 1, why);
        return;
      }
      if (addresses.size() > 1) {
        why = "none of its " + addresses.size() + " addresses answered, the last: " + why;
      }
      int retries = connection.service.retriesOr(gateway.config().connectRetries());
      if (attempt <= retries && !unresolved) {
        LOG.debug("backend {} for {}: attempt {} of {} failed ({})", connection.service.backend(),
            connection.verdict().flow().portText(), attempt, retries + 1, why);
        gateway.metrics().retried();
        client.eventLoop().schedule(() -> dial(client, attempt + 1, addresses.preferred(), 0, null),
            GatewayConfig.retryDelay(connectTimeout()).toNanos(), TimeUnit.NANOSECONDS);
        return;
      }
      long unsaid = gateway.unreachableWarnings().pass(connection.service.backend());
      if (unsaid != UnreachableWarnings.QUIET) {
        String tries = attempt == 1 ? "" : ", " + attempt + " attempts in " + elapsed();
        String others = unsaid == 0 ? "" : " (and " + unsaid + " more since the last such line)";
        LOG.warn("backend {} for {} is unreachable ({}{}): closing the client connection{}",
            connection.service.backend(), connection.verdict().flow().portText(), why, tries, others);
      }
      connection.closeReason(CloseCause.BACKEND_UNREACHABLE, "backend unreachable: " + why);
      phase = Phase.FAILED;
      dropEarly();
      Relay.closeGently(client);
    });
  }

  /** Sends the backend, just connected, what the client said while it was dialled, and its FIN if it came. */
  private void sendEarly(Channel client, Channel out) {
    ArrayDeque<ByteBuf> waiting = early;
    early = null;
    if (waiting != null) {
      waiting.forEach(buf -> out.write(buf, out.voidPromise()));
      out.flush();
    }
    if (endedEarly) {
      Relay.halfClose(client, out);
    }
  }

  private void dropEarly() {
    ArrayDeque<ByteBuf> waiting = early;
    early = null;
    if (waiting != null) {
      waiting.forEach(ReferenceCountUtil::release);
    }
  }

  private static String host(InetSocketAddress address) {
    return address.getAddress().getHostAddress();
  }

  /** The {@code steps} addresses dialled from {@code start} before the one that answered: {@code 10.0.0.5, 10.0.0.6}. */
  private static String tried(BackendAddresses addresses, int start, int steps) {
    StringBuilder text = new StringBuilder();
    for (int step = 0; step < steps; step++) {
      text.append(step == 0 ? "" : ", ").append(host(addresses.at(start, step)));
    }
    return text.toString();
  }

  /** The service's own connect timeout (the policy's {@code connect_timeout}), else the gateway's. */
  private Duration connectTimeout() {
    return connection.service.connectTimeoutOr(gateway.config().connectTimeout());
  }

  /**
   * What went wrong, as an operator reads it: {@code Connection refused} rather than Netty's
   * {@code io_uring connect(..) failed with error(-111): Connection refused}.
   */
  static String plain(@Nullable Throwable cause) {
    if (cause == null) {
      return "unknown";
    }
    String message = String.valueOf(cause.getMessage());
    Matcher nativeCall = NATIVE_CALL.matcher(message);
    return ADDRESS_SUFFIX.matcher(nativeCall.matches() ? nativeCall.group(1) : message).replaceFirst("");
  }

  /** Since the first dial: the connection was admitted, and dialled, at once. */
  private String elapsed() {
    return DurationText.format(Duration.ofMillis(connection.millis()));
  }

  /**
   * No socket for the backend, most often because the open-file limit is reached: the client is
   * closed at once (waiting would hold its descriptor) with the cause as its close reason, and
   * the shortage is said with its remedy, at most once per ten seconds.
   */
  private void noBackendSocket(ChannelException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String why = String.valueOf(cause.getMessage());
    if (gateway.descriptorWarnings().pass()) {
      LOG.warn("cannot open a socket to backend {} for {}: {}{}; such clients are closed", connection.service.backend(),
          connection.verdict().flow().portText(), why, FileDescriptors.remedyFor(why));
    }
    phase = Phase.FAILED;
    dropEarly();
    connection.close(CloseCause.NO_BACKEND_SOCKET, "no socket for the backend: " + why);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel out = backend;
    boolean dialling = phase == Phase.DIALLING && ctx.channel().isActive();
    if (!dialling && (phase == Phase.FAILED || out == null || !out.isActive())) {
      ReferenceCountUtil.release(msg);
      return;
    }
    int n = ((ByteBuf) msg).readableBytes();
    connection.addIn(n);
    gateway.idle().touch(connection);
    gateway.metrics().bytesIn(n);
    if (dialling) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add((ByteBuf) msg);
      return;
    }
    Relay.forward(ctx, msg, out);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Relay.flush(backend);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Relay.resume(ctx.channel(), backend);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      Channel out = backend;
      if (phase == Phase.DIALLING) {
        endedEarly = true; // said to the backend once it answers (sendEarly)
      } else if (phase == Phase.RELAYING && out != null) {
        Relay.halfClose(ctx.channel(), out);
      } else {
        ctx.close();
      }
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    dropEarly();
    Channel out = backend;
    if (out != null) {
      Relay.closeOnFlush(out);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("client connection {} failed", ctx.channel(), cause);
    connection.abort(ctx.channel(), CloseCause.CLIENT_ERROR, failure("client", cause));
  }

  /**
   * ETIMEDOUT on an established connection: the peer acknowledged neither the keepalive probes
   * nor the data sent to it, so it is gone (a network cut, a machine off), not in error.
   */
  private static final String TIMED_OUT = "Connection timed out";

  /** Why {@code side}'s connection failed, for its close line: {@code client error: Connection reset by peer}. */
  static String failure(String side, Throwable cause) {
    String why = plain(cause);
    return why.equals(TIMED_OUT) ? side + " stopped answering (" + TIMED_OUT + ": keepalive probes or data unacknowledged)"
        : side + " error: " + why;
  }
}
