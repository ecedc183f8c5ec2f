package dev.porte.gateway;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.ServiceBinding;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One admitted TCP connection: the client's channel, the backend's once connected, the verdict it
 * runs under and what it has moved. The relay handlers update it on the connection's event loop;
 * {@link Gateway#reload} and the metrics read it from other threads, hence the volatile fields.
 */
final class Connection {
  final Channel client;
  final IpAddress source;
  final ServiceBinding service;
  /** The backend's addresses, resolved when the policy was loaded (or looked up again since). */
  final BackendAddresses backendAddresses;
  final long startNanos = System.nanoTime();
  private volatile ConnectionVerdict verdict;
  private volatile @Nullable Channel backend;
  // Written only on the event loop; volatile so that the close log and metrics see them.
  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile CloseCause closeCause = CloseCause.CLOSED;
  private volatile String closeReason = "closed";
  // Read and written only on the connection's event loop (IdleSweeper).
  private long lastActivity;
  // Event loop only: whether the backend's socket probes already (TcpKeepalive).
  private boolean backendProbed;
  // The service's idle timeout, else the gateway's; a reload may change it from another thread.
  private volatile long idleNanos;

  Connection(Channel client, IpAddress source, ServiceBinding service, BackendAddresses backendAddresses,
      ConnectionVerdict verdict) {
    this.client = client;
    this.source = source;
    this.service = service;
    this.backendAddresses = backendAddresses;
    this.verdict = verdict;
  }

  /** How long this connection may move no data before the sweep closes it, in nanoseconds. */
  long idleNanos() {
    return idleNanos;
  }

  /** The idle timeout from now on: at admission, and again at each reload. */
  void idleNanos(long value) {
    this.idleNanos = value;
  }

  /** Data moved at {@code now} (nanoseconds of the gateway's ticker). */
  void touch(long now) {
    lastActivity = now;
  }

  long lastActivity() {
    return lastActivity;
  }

  ConnectionVerdict verdict() {
    return verdict;
  }

  /** A reload re-judged this connection and it may carry on (maybe with its replies now withheld). */
  void verdict(ConnectionVerdict value) {
    this.verdict = value;
  }

  /** Whether the backend's data may reach the client now (filtered mode's outbound verdict). */
  boolean repliesAllowed() {
    return verdict.dataFlows();
  }

  void backend(Channel channel) {
    this.backend = channel;
  }

  @Nullable Channel backend() {
    return backend;
  }

  /** Whether the backend's socket has keepalive probes (on the event loop). */
  boolean backendProbed() {
    return backendProbed;
  }

  /**
   * Turns keepalive probes on for the backend's socket, once there is one: on the event loop. True
   * when this call set them (system calls were made).
   */
  boolean probeBackend(TcpKeepalive keepalive) {
    Channel b = backend;
    if (backendProbed || b == null || !b.isActive()) {
      return false;
    }
    backendProbed = true;
    try {
      keepalive.applyTo(b);
    } catch (ChannelException e) {
      // The socket closed under us (a reset just in): nothing left to probe, and its close is on its way.
    }
    return true;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the connection's event loop
  void addIn(long n) {
    bytesIn += n;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the connection's event loop
  void addOut(long n) {
    bytesOut += n;
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  /** Records why the connection ends; the first cause given is the one logged and counted. */
  void closeReason(CloseCause cause, String reason) {
    if (closeCause == CloseCause.CLOSED) {
      closeReason = reason;
      closeCause = cause;
    }
  }

  /** Closes both sides and records why. */
  void close(CloseCause cause, String reason) {
    closeReason(cause, reason);
    Channel b = backend;
    if (b != null) {
      b.close();
    }
    client.close();
  }

  /**
   * {@code failed} went wrong, most often reset by its peer: it is closed, and the other side is
   * reset once what is queued for it has been written (its close, from {@code failed}'s
   * channelInactive, then sends an RST rather than a FIN). An abort is passed on as an abort, as
   * between the two ends directly: an upload cut short by its client must not look complete to
   * the backend, nor an answer cut short by its backend to the client. HAProxy passes a client's
   * reset on to the server the same way.
   */
  void abort(Channel failed, CloseCause cause, String reason) {
    closeReason(cause, reason);
    Channel other = failed == client ? backend : client;
    if (other != null && other.isOpen()) {
      other.config().setOption(ChannelOption.SO_LINGER, 0);
    }
    failed.close();
  }

  String closeReason() {
    return closeReason;
  }

  CloseCause closeCause() {
    return closeCause;
  }

  long millis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Bytes written by the gateway but not yet taken by the kernel, on both sides. */
  long pendingBytes() {
    return pending(client) + pending(backend);
  }

  private static long pending(@Nullable Channel channel) {
    if (channel == null) {
      return 0;
    }
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }
}
