package dev.porte.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.time.Duration;
import java.util.List;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keepalive on the gateway's connections, as HAProxy's {@code option clitcpka} and {@code
 * srvtcpka}. Once a client's connection has been silent for {@link #idle}, the kernel sends an
 * empty probe, and a client that answers none of {@link #PROBES} probes is gone (a laptop shut, a
 * network cut, a NAT that forgot it), so its connection fails and is closed with both its sockets. Without it such a connection
 * holds two descriptors and its backend's session until the idle timeout, which a service may set
 * to hours ({@code idle: 8h} for SSH). The probes also keep a NAT's mapping of a quiet session alive.
 *
 * <p>On io_uring and epoll the options are set once on each listening socket, and Linux gives them
 * to every connection it accepts: no system call per connection. NIO cannot set them on a
 * listening socket, so there each accepted socket gets them.
 *
 * <p>On the backend's side the same probes find a backend gone silent (its host off, a partition):
 * its client is closed instead of waiting on a connection that will never answer, which the
 * client's own keepalive cannot find, as the gateway answers it. A backend socket gets them once its
 * connection has been quiet for {@link #idle}, by {@link IdleSweeper}.
 *
 * @param idle silence before the first probe; zero turns keepalive off
 */
public record TcpKeepalive(Duration idle) {
  /** Unanswered probes after which a client is taken for gone (the kernel's default is 9). */
  public static final int PROBES = 6;
  /** The longest wait between probes: a client gone is noticed within a minute of the first. */
  public static final Duration MAX_INTERVAL = Duration.ofSeconds(10);
  /** The longest silence the kernel takes before the first probe ({@code TCP_KEEPIDLE}, 32767 s). */
  public static final Duration MAX_IDLE = Duration.ofSeconds(32_767);
  /** The default: the first probe after a minute of silence, a client gone noticed within two. */
  public static final TcpKeepalive DEFAULT = new TcpKeepalive(Duration.ofMinutes(1));
  public static final TcpKeepalive OFF = new TcpKeepalive(Duration.ZERO);

  // Linux's numbers (socket.h, tcp.h): Netty's unix options take them raw.
  private static final int SOL_SOCKET = 1;
  private static final int SO_KEEPALIVE = 9;
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_KEEPIDLE = 4;
  private static final int TCP_KEEPINTVL = 5;
  private static final int TCP_KEEPCNT = 6;

  public TcpKeepalive {
    if (idle.isNegative() || idle.compareTo(MAX_IDLE) > 0 || idle.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("TCP keepalive must be 0 (off) or whole seconds from 1s to "
          + MAX_IDLE.toSeconds() + "s: " + idle);
    }
  }

  public boolean on() {
    return !idle.isZero();
  }

  /** The wait between probes: the idle time, but at most {@link #MAX_INTERVAL}. */
  public Duration interval() {
    return idle.compareTo(MAX_INTERVAL) < 0 ? idle : MAX_INTERVAL;
  }

  /** How long after its last sign of life a client that vanished is closed, at the latest. */
  public Duration noticedWithin() {
    return idle.plus(interval().multipliedBy(PROBES));
  }

  /**
   * Sets the options on one connected socket: a backend connection that has gone quiet. Four
   * system calls, so only connections silent for {@link #idle} get them ({@link IdleSweeper}),
   * not the many that end sooner; the kernel then probes once the backend has been silent for
   * {@link #idle} more.
   */
  void applyTo(Channel connected) {
    ChannelConfig config = connected.config();
    settings(connected instanceof UnixChannel).forEach(setting -> setting.applyTo(config));
  }

  /** Sets the options on {@code bootstrap}'s listening sockets ({@code native}) or on each accepted one. */
  void applyTo(ServerBootstrap bootstrap, boolean nativeTransport) {
    // A listening socket hands its options down on Linux; NIO's cannot take them, so its children do.
    settings(nativeTransport).forEach(setting -> setting.applyTo(bootstrap, nativeTransport));
  }

  /** The options, as Netty's native transports ({@code unix}) or NIO take them; none when off. */
  private List<Setting<?>> settings(boolean unix) {
    if (!on()) {
      return List.of();
    }
    int idleSeconds = (int) idle.toSeconds();
    int intervalSeconds = (int) interval().toSeconds();
    return unix
        ? List.of(new Setting<>(new IntegerUnixChannelOption("SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE), 1),
            new Setting<>(new IntegerUnixChannelOption("TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE), idleSeconds),
            new Setting<>(new IntegerUnixChannelOption("TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL), intervalSeconds),
            new Setting<>(new IntegerUnixChannelOption("TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT), PROBES))
        : List.of(new Setting<>(ChannelOption.SO_KEEPALIVE, true),
            new Setting<>(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds),
            new Setting<>(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds),
            new Setting<>(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), PROBES));
  }

  /** One socket option and its value, typed together. */
  private record Setting<T>(ChannelOption<T> option, T value) {
    void applyTo(ChannelConfig config) {
      config.setOption(option, value);
    }

    void applyTo(ServerBootstrap bootstrap, boolean onListener) {
      if (onListener) {
        bootstrap.option(option, value);
      } else {
        bootstrap.childOption(option, value);
      }
    }
  }
}
