package dev.porte.gateway;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.model.DurationText;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Port;
import dev.porte.core.model.Protocol;
import dev.porte.core.model.ServiceBinding;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * porte's userspace gateway: for each service of a policy it listens on the service's port (TCP,
 * and UDP where the service says so) and relays what the policy admits to the service's backend.
 *
 * <pre>
 * try (Gateway gateway = Gateway.start(policy, GatewayConfig.builder().build())) {
 *   gateway.reload(newPolicy);   // atomic; connections the new policy allows carry on
 * }
 * </pre>
 *
 * <p>A connection is decided once at accept by the inbound verdict; the data it carries back to
 * the client is held to the outbound verdict in {@code filtered} mode. A port that cannot be bound
 * is logged and skipped, every other service is still served, and the next reload tries it again.
 *
 * <p>Thread-safe. The policy lives in one volatile {@link PolicySnapshot} that the event loops
 * read; {@link #reload} and {@link #close} are serialized by this object's monitor.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** Where a privileged service port lands when porte may not bind it: 80 becomes 10080. */
  static final int UNPRIVILEGED_SHIFT = 10_000;

  private final GatewayConfig config;
  private final Transport transport = Transport.best();
  /** Accepts for the I/O threads where they cannot accept for themselves (NIO); null on io_uring and epoll. */
  private final @Nullable EventLoopGroup boss;
  private final EventLoopGroup workers;
  /** UDP's transport ({@link Transport#forDatagrams}) and, when it is not TCP's, its own threads, made with the first UDP listener. */
  private final Transport udpTransport = transport.forDatagrams();
  private @Nullable EventLoopGroup udpWorkers;
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final ServiceCaps serviceCaps = new ServiceCaps();
  private final ConnectionTracker tracker;
  // One throttle for both places that run out of descriptors: a failed accept and a backend
  // socket that cannot be opened are the same shortage, said once per ten seconds.
  private final LogThrottle descriptorWarnings = new LogThrottle(Duration.ofSeconds(10));
  private final AcceptFailures acceptFailures = new AcceptFailures(descriptorWarnings);
  private final UnreachableWarnings unreachableWarnings =
      new UnreachableWarnings(Duration.ofSeconds(10), System::nanoTime);
  /** The UDP sessions' slots, under their own caps; the relays of every UDP listener share it. */
  private final ConnectionTracker udpTracker;
  private final IdleSweeper idle;
  private final Privileges privileges = Privileges.ofThisProcess();
  private final Map<Key, Listener> listeners = new LinkedHashMap<>();
  private volatile PolicySnapshot snapshot;
  private boolean closed;
  /**
   * Set by {@link #drain}: no listener is opened again, whatever a reload says. Volatile because
   * {@link #closed} reads it on the event loops to tell the drain that the last connection went.
   */
  private volatile boolean draining;
  /** Looks the backends' host names up again every {@link GatewayConfig#resolveInterval()}. */
  private final ScheduledExecutorService resolving = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread t = new Thread(task, "porte-resolve");
    t.setDaemon(true);
    return t;
  });
  /** Completed when no TCP connection is open any more during a drain. */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  private record Key(Protocol protocol, int servicePort) {}

  /**
   * What listens for one service and protocol: the bound channels (for UDP each with its relay, at
   * the same index) and the addresses that could not be bound, each with why; those are tried
   * again at every reload, so freeing a taken port and reloading serves it.
   */
  private record Listener(Key key, List<Channel> channels, List<UdpRelay> relays, Map<SocketAddress, Unserved> failed) {}

  private Gateway(Policy policy, GatewayConfig config) {
    this.config = config;
    this.snapshot = PolicySnapshot.of(policy, config.resolver());
    this.tracker = new ConnectionTracker(config.maxConnections(), config.maxConnectionsPerSource());
    this.udpTracker = new ConnectionTracker(config.maxUdpSessions(), config.maxConnectionsPerSource());
    this.idle = new IdleSweeper(config.idleTimeout().toMillis(), config.tcpKeepalive(), config.ticker());
    // On NIO one thread accepts and the I/O threads relay: a shared group starved the accept loop
    // under a thousand busy connections (the soak test caught it). On io_uring and epoll each I/O thread
    // accepts on a socket of its own (TcpAcceptors).
    this.boss = transport.sharesPorts() ? null : transport.newGroup(1);
    this.workers = transport.newGroup(config.ioThreads());
  }

  /** Starts listening for every service of {@code policy}; returns once each bind has succeeded or failed. */
  public static Gateway start(Policy policy, GatewayConfig config) {
    Gateway gateway = new Gateway(policy, config);
    LOG.info("gateway starting on the {} transport with {} ({} replies)", gateway.transport.name,
        policy.source(), policy.replies());
    // Caps set from the limit fit it by construction; only given ones may ask for too much.
    String shortfall = config.capsGiven() ? FileDescriptors.shortfall(config, FileDescriptors.limit(), FileDescriptors.open())
        : null;
    if (shortfall != null) {
      LOG.warn(shortfall);
    } else if (config.capsFollowLimit() && (config.maxConnections() < FileDescriptors.MAX_CONNECTIONS
        || config.maxUdpSessions() < FileDescriptors.MAX_UDP_SESSIONS)) {
      LOG.info("the open-file limit ({}) sets the caps: at most {} connections and {} UDP sessions; raise the limit "
          + "(ulimit -n, systemd LimitNOFILE=) for more", FileDescriptors.limit(), config.maxConnections(),
          config.maxUdpSessions());
    }
    synchronized (gateway) {
      gateway.reconcile();
    }
    long every = config.resolveInterval().toMillis();
    gateway.resolving.scheduleWithFixedDelay(gateway::lookUpBackendsAgain, every, every, TimeUnit.MILLISECONDS);
    return gateway;
  }

  /**
   * Looks the backends' host names up again and puts what changed in force, as a reload of the
   * same policy would: new connections and sessions go to the new address, open ones carry on
   * with theirs, and a service that now leads back into the gateway stops being listened on. Runs
   * on its own thread, as a lookup may block for seconds. A reload in the meantime resolved
   * afresh, so its snapshot stays and these answers are dropped.
   */
  void lookUpBackendsAgain() {
    try {
      PolicySnapshot before = snapshot;
      if (!before.namesBackends()) {
        return;
      }
      PolicySnapshot after = before.reresolved(config.resolver());
      synchronized (this) {
        if (after != before && !closed && snapshot == before) {
          snapshot = after;
          reconcile();
        }
      }
    } catch (RuntimeException e) {
      // Thrown out of a scheduled task, it would end the schedule silently.
      LOG.warn("looking the backends' names up again failed: {}", e.toString(), e);
    }
  }

  /**
   * Puts {@code policy} in force atomically. New connections are decided by it at once; each open
   * connection is judged again and carries on if it is still admitted (with its replies withheld
   * from now on if the outbound verdict now denies them), else it is closed. Listeners follow the
   * new services.
   */
  public synchronized void reload(Policy policy) {
    if (closed) {
      throw new IllegalStateException("the gateway is closed; start a new one");
    }
    PolicySnapshot before = snapshot;
    PolicySnapshot next = before.reloaded(policy, config.resolver());
    snapshot = next;
    sayMovedBackends(before, next);
    reconcile();
    int kept = 0;
    int dropped = 0;
    for (Connection c : tracker.live()) {
      ServiceBinding service = next.service(Protocol.TCP, c.service.port());
      ConnectionVerdict verdict = next.engine.connect(c.verdict().flow());
      if (service == null || !verdict.admitted()) {
        c.close(CloseCause.POLICY_RELOAD,
            "policy reload: " + (service == null ? "service removed" : "no longer allowed by " + verdict.open().decidedBy()));
        dropped++;
      } else {
        c.verdict(verdict);
        c.idleNanos(idle.idleNanos(service));
        kept++;
      }
    }
    for (Listener l : listeners.values()) {
      for (int i = 0; i < l.relays.size(); i++) {
        UdpRelay relay = l.relays.get(i);
        l.channels.get(i).eventLoop().execute(() -> relay.rejudge(next));
      }
    }
    LOG.info("policy reloaded from {}: {}, {}, {} {} on, {} closed", policy.source(),
        count(policy.rules().size(), "rule"), count(policy.services().size(), "service"), count(kept, "connection"),
        kept == 1 ? "carries" : "carry", dropped);
  }

  /** {@code "1 rule"}, {@code "3 rules"}. */
  private static String count(int n, String thing) {
    return n + " " + thing + (n == 1 ? "" : "s");
  }

  /**
   * Says which services a reload sends elsewhere; those it adds or removes are said by their
   * listeners. Connections open before carry on to the backend they have.
   */
  private static void sayMovedBackends(PolicySnapshot before, PolicySnapshot after) {
    for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
      new TreeMap<>(after.services(p)).forEach((port, now) -> {
        ServiceBinding was = before.services(p).get(port);
        if (was != null && !was.backend().equals(now.backend())) {
          LOG.info("{}/{} now goes to {} (was {}); open connections keep theirs", port, p, now.backend(), was.backend());
        }
      });
    }
  }

  private void reconcile() {
    PolicySnapshot now = snapshot;
    Set<Key> wanted = new java.util.LinkedHashSet<>();
    for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
      new TreeSet<>(now.services(p).keySet()).forEach(port -> wanted.add(new Key(p, port)));
    }
    for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Listener> e = it.next();
      if (!wanted.contains(e.getKey())) {
        e.getValue().channels.forEach(ch -> ch.close().awaitUninterruptibly());
        LOG.info("stopped listening for {}/{}: the policy no longer has that service", e.getKey().servicePort,
            e.getKey().protocol);
        it.remove();
      }
    }
    if (draining) {
      return;
    }
    Map<Key, String> loops = loops(now);
    for (Key key : wanted) {
      Listener existing = listeners.get(key);
      String noPort = noListenPort(key.servicePort);
      String loop = loops.get(key);
      if (noPort != null) {
        refuse(key, noPort, Unserved.Kind.NO_PORT, existing);
      } else if (loop != null) {
        refuse(key, loop, Unserved.Kind.LOOP, existing);
      } else if (existing == null) {
        listen(key, now.service(key.protocol, key.servicePort), addresses(listenPort(key.servicePort)), List.of(),
            List.of());
      } else if (!existing.failed.isEmpty()) {
        LOG.info("trying again to listen for {}/{}", key.servicePort, key.protocol);
        listen(key, now.service(key.protocol, key.servicePort), List.copyOf(existing.failed.keySet()),
            existing.channels, existing.relays);
      }
    }
  }

  /** The services whose backends lead back into the gateway, each with why ({@link ServiceLoops}). */
  private Map<Key, String> loops(PolicySnapshot now) {
    ServiceLoops finder = new ServiceLoops(this::standInPort, config.bind(), ServiceLoops::isThisHost);
    Map<Key, String> loops = new LinkedHashMap<>();
    for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
      // A name's first address as looked up, not the one dialled first now: whether a service
      // loops must not change with which address answered last.
      finder.find(p, now.services(p), b -> now.backend(b).at(0, 0))
          .forEach((port, why) -> loops.put(new Key(p, port), why));
    }
    return loops;
  }

  /**
   * Does not listen for a service that cannot be served (on a loop, or with no port to listen on),
   * and stops listening if a reload has just made it so (the connections it admitted carry on to
   * the backend they have). Its addresses are reported as not served and looked at again at the
   * next reload, as a port in use is.
   */
  private void refuse(Key key, String why, Unserved.Kind kind, @Nullable Listener existing) {
    if (existing != null) {
      existing.channels.forEach(ch -> ch.close().awaitUninterruptibly());
    }
    LOG.error("not serving {}/{}: {}; the other services are still served", key.servicePort, key.protocol, why);
    boolean hasPort = kind != Unserved.Kind.NO_PORT;
    Map<SocketAddress, Unserved> failed = new LinkedHashMap<>();
    for (SocketAddress address : addresses(hasPort ? standInPort(key.servicePort) : 0)) {
      String at = AddressText.of(address);
      failed.put(address, new Unserved(key.protocol, key.servicePort, hasPort ? at : at.substring(0, at.lastIndexOf(':')),
          why, kind));
    }
    listeners.put(key, new Listener(key, List.of(), List.of(), Collections.unmodifiableMap(failed)));
  }

  /**
   * Why a service has no port to listen on (the port offset moves it past 65535), or null when it
   * has one.
   */
  private @Nullable String noListenPort(int servicePort) {
    try {
      config.listenPort(servicePort);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage() + ": there is no port to listen on (lower --port-offset)";
    }
  }

  private List<SocketAddress> addresses(int port) {
    List<SocketAddress> addresses = new ArrayList<>();
    if (config.bind().isEmpty()) {
      // The wildcard of a dual-stack socket (::) takes IPv4 clients too, as ::ffff:a.b.c.d,
      // which Addresses maps back to IPv4; one socket instead of 0.0.0.0 plus :: (V6ONLY).
      addresses.add(new InetSocketAddress(port));
    } else {
      for (InetAddress a : config.bind()) {
        addresses.add(new InetSocketAddress(a, port));
      }
    }
    return addresses;
  }

  /** Binds {@code addresses} for {@code key}, keeping the channels and relays it {@code holds} already. */
  private void listen(Key key, ServiceBinding service, List<SocketAddress> addresses, List<Channel> holds,
      List<UdpRelay> relaying) {
    List<Channel> channels = new ArrayList<>(holds);
    List<UdpRelay> relays = new ArrayList<>(relaying);
    Map<SocketAddress, Unserved> failed = new LinkedHashMap<>();
    for (SocketAddress address : addresses) {
      if (key.protocol == Protocol.TCP) {
        // The admission handler is the whole pipeline of a new connection (it is sharable), so no
        // initializer has to add it and remove itself per connection.
        TcpAcceptors.Bound bound = TcpAcceptors.bind(transport, boss == null ? workers : boss, workers, address,
            new AdmissionHandler(this, key.servicePort), acceptFailures, config.tcpKeepalive());
        if (bound.ok()) {
          channels.addAll(bound.channels());
          listening(bound.channels().get(0), key, service);
        } else {
          failed.put(address, cannotListen(address, key, bound.failure()));
        }
        continue;
      }
      UdpRelay relay = new UdpRelay(this, key.servicePort);
      ChannelFuture udp = new Bootstrap().group(udpGroup()).channel(udpTransport.datagram)
          .option(ChannelOption.RCVBUF_ALLOCATOR, UdpRelay.WHOLE_DATAGRAMS)
          .option(ChannelOption.SO_RCVBUF, UdpRelay.LISTENER_RECEIVE_BUFFER).handler(relay).bind(address);
      udp.awaitUninterruptibly();
      if (udp.isSuccess()) {
        channels.add(udp.channel());
        relays.add(relay);
        listening(udp.channel(), key, service);
      } else {
        failed.put(address, cannotListen(address, key, udp.cause()));
      }
    }
    listeners.put(key, new Listener(key, List.copyOf(channels), List.copyOf(relays), Collections.unmodifiableMap(failed)));
  }

  private static void listening(Channel channel, Key key, ServiceBinding service) {
    LOG.info("listening on {} for {}/{} -> {}", AddressText.of(channel.localAddress()), key.servicePort,
        key.protocol, service.backend());
  }

  /** What the system says when asked to listen on an address the host does not have (EADDRNOTAVAIL). */
  public static final String NOT_OURS = "Cannot assign requested address";

  /** Logs a bind that failed; returns what {@link #unserved} reports of it. */
  private static Unserved cannotListen(SocketAddress address, Key key, @Nullable Throwable cause) {
    String at = AddressText.of(address);
    String reason = cause == null ? "unknown" : String.valueOf(cause.getMessage());
    if (reason.contains(NOT_OURS) && address instanceof InetSocketAddress inet) {
      // The system's words say nothing of which address: --listen named one this host lacks (a
      // typo, or an interface not up yet).
      reason += " (" + Addresses.of(inet.getAddress()) + " is not an address of this host)";
    }
    LOG.error("cannot listen on {} for {}/{}: {}; the other services are still served", at, key.servicePort,
        key.protocol, reason);
    return new Unserved(key.protocol, key.servicePort, at, reason, Unserved.Kind.BIND_FAILED);
  }

  /** The port a service is listened on, saying so when it is not the one asked for. */
  private int listenPort(int servicePort) {
    int port = config.listenPort(servicePort);
    int listened = standInPort(servicePort);
    if (listened != port) {
      LOG.warn("port {} is privileged here (below {}) and porte lacks CAP_NET_BIND_SERVICE: listening on {} instead "
          + "(run as root, grant the capability, or choose with --port-offset)", port,
          privileges.unprivilegedPortStart(), listened);
    }
    return listened;
  }

  /**
   * The port a service is listened on: its configured one, or an unprivileged stand-in for it; 0
   * when it has none ({@link #noListenPort}), which no backend reaches.
   */
  private int standInPort(int servicePort) {
    if (noListenPort(servicePort) != null) {
      return 0;
    }
    int port = config.listenPort(servicePort);
    if (privileges.mayBind(port)) {
      return port;
    }
    int shifted = port + UNPRIVILEGED_SHIFT;
    if (shifted > Port.MAX || !privileges.mayBind(shifted)) {
      return port; // no unprivileged stand-in: the bind fails and says why
    }
    return shifted;
  }

  /** Called once per admitted connection when its client channel has closed. */
  void closed(Connection c) {
    idle.remove(c);
    tracker.remove(c);
    tracker.release(c.source);
    serviceCaps.release(c.service.port());
    // Release first, then read the flag; the drain sets the flag, then reads the count: one of the
    // two sees the other, so the last close of a drain is never missed.
    if (draining && tracker.open() == 0) {
      drained.complete(null);
    }
    metrics.closed();
    ConnectionLog.close(c);
    report(c.verdict(), c.bytesIn(), c.bytesOut(), c.closeCause());
  }

  /** Hands a decided connection to the configured listener; its failure never reaches the relay. */
  void report(ConnectionVerdict verdict, long bytesIn, long bytesOut, @Nullable CloseCause ended) {
    try {
      config.listener().record(new ConnectionRecord(verdict, bytesIn, bytesOut, ended));
    } catch (RuntimeException e) {
      LOG.warn("the connection listener failed on {}: {}", verdict.flow(), e.toString());
    }
  }

  PolicySnapshot snapshot() {
    return snapshot;
  }

  /** How it listens and its caps, those the open-file limit set included. */
  public GatewayConfig config() {
    return config;
  }

  Transport transport() {
    return transport;
  }

  Transport udpTransport() {
    return udpTransport;
  }

  /** The threads of the UDP listeners and their sessions; called under the gateway's lock. */
  private EventLoopGroup udpGroup() {
    if (udpTransport == transport) {
      return workers;
    }
    if (udpWorkers == null) {
      udpWorkers = udpTransport.newGroup(Math.min(config.ioThreads(), 4));
      LOG.info("UDP is served on the {} transport (a {} UDP session costs about 50 times the memory)",
          udpTransport.name, transport.name);
    }
    return udpWorkers;
  }

  /** Gates the warnings about backends that cannot be reached, per backend. */
  UnreachableWarnings unreachableWarnings() {
    return unreachableWarnings;
  }

  /** Gates the warnings about running out of file descriptors. */
  LogThrottle descriptorWarnings() {
    return descriptorWarnings;
  }

  ConnectionTracker tracker() {
    return tracker;
  }

  ConnectionTracker udpTracker() {
    return udpTracker;
  }

  ServiceCaps serviceCaps() {
    return serviceCaps;
  }

  IdleSweeper idle() {
    return idle;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The policy in force. */
  public Policy policy() {
    return snapshot.policy;
  }

  /** {@code "io_uring"}, {@code "epoll"} or {@code "nio"}. */
  public String transportName() {
    return transport.name;
  }

  /** The addresses a service is served on (empty when its port could not be bound). */
  public synchronized List<InetSocketAddress> addresses(Protocol protocol, int servicePort) {
    Listener l = listeners.get(new Key(protocol, servicePort));
    // On io_uring and epoll every I/O thread listens on the same address: name it once.
    Set<InetSocketAddress> out = new java.util.LinkedHashSet<>();
    if (l != null) {
      l.channels.forEach(ch -> out.add((InetSocketAddress) ch.localAddress()));
    }
    return new ArrayList<>(out);
  }

  /**
   * The addresses that could not be bound, one line each ({@code "80/tcp on 0.0.0.0:80: Address
   * already in use"}), in the policy's order; empty when every service is served. A reload tries
   * them again.
   */
  public List<String> notServed() {
    return unserved().stream().map(Unserved::text).toList();
  }

  /**
   * The services whose backend's host name does not resolve, by port: their doors are listened
   * on, but each client is closed at once until the name resolves ({@link #lookUpBackendsAgain}).
   */
  public List<UnresolvedBackend> unresolvedBackends() {
    PolicySnapshot now = snapshot;
    List<UnresolvedBackend> out = new ArrayList<>();
    for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
      new TreeMap<>(now.services(p)).forEach((port, binding) -> {
        if (now.backend(binding).isUnresolved()) {
          out.add(new UnresolvedBackend(p, port, binding.backend()));
        }
      });
    }
    return List.copyOf(out);
  }

  /** {@link #notServed}, as values: what the console marks on each door. */
  public synchronized List<Unserved> unserved() {
    List<Unserved> out = new ArrayList<>();
    listeners.values().forEach(l -> out.addAll(l.failed.values()));
    return List.copyOf(out);
  }

  /** Whether at least one address of one service is listening. */
  public synchronized boolean servesAnything() {
    return listeners.values().stream().anyMatch(l -> !l.channels.isEmpty());
  }

  /** The first address a service is served on, or {@code null} when it is not served. */
  public @Nullable InetSocketAddress address(Protocol protocol, int servicePort) {
    List<InetSocketAddress> all = addresses(protocol, servicePort);
    return all.isEmpty() ? null : all.get(0);
  }

  /** Admitted TCP connections open now. */
  public int openConnections() {
    return tracker.open();
  }

  /**
   * Connections and UDP sessions open now against their caps, and the refusals of the caps. The
   * counts are the trackers' atomic ones, so this is cheap enough for every health check.
   */
  public GatewayLoad load() {
    return new GatewayLoad(tracker.open(), config.maxConnections(), udpTracker.open(), config.maxUdpSessions(),
        metrics.limited());
  }

  /**
   * Bytes the gateway has accepted for writing but the kernel has not yet taken, over all open
   * connections: what backpressure keeps bounded when a reader is slow.
   */
  public long pendingOutboundBytes() {
    long sum = 0;
    for (Connection c : tracker.live()) {
      sum += c.pendingBytes();
    }
    return sum;
  }

  /** Open UDP sessions, counted on their event loops. */
  public int udpSessions() {
    return onRelays(UdpRelay::sessionCount);
  }

  /** Expires idle UDP sessions now (the periodic sweep does the same); for tests with a fake ticker. */
  void sweepUdp() {
    onRelays(r -> {
      r.sweep();
      return 0;
    });
  }

  private synchronized int onRelays(java.util.function.ToIntFunction<UdpRelay> task) {
    int sum = 0;
    for (Listener l : listeners.values()) {
      for (int i = 0; i < l.relays.size(); i++) {
        UdpRelay relay = l.relays.get(i);
        try {
          sum += l.channels.get(i).eventLoop().submit(() -> task.applyAsInt(relay)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while asking the UDP relays", e);
        } catch (ExecutionException | TimeoutException e) {
          throw new IllegalStateException("UDP relay did not answer: " + e, e);
        }
      }
    }
    return sum;
  }

  /**
   * The first half of a graceful stop: closes the TCP listeners, so new clients are refused, and
   * waits up to {@code limit} for the open TCP connections to end by themselves (a download in
   * flight finishes, a kept-alive client goes when it is done). UDP keeps flowing until
   * {@link #close}. Returns how many TCP connections are still open; {@link #close} ends them.
   */
  public int drain(Duration limit) throws InterruptedException {
    return drain(limit, new CompletableFuture<>());
  }

  /**
   * {@link #drain(Duration)}, which stops waiting early when {@code cutShort} completes (an
   * operator who said stop twice).
   */
  public int drain(Duration limit, CompletableFuture<?> cutShort) throws InterruptedException {
    synchronized (this) {
      if (closed) {
        return 0;
      }
      draining = true;
      for (var it = listeners.values().iterator(); it.hasNext(); ) {
        Listener l = it.next();
        if (l.key.protocol == Protocol.TCP) {
          l.channels.forEach(ch -> ch.close().awaitUninterruptibly());
          it.remove();
        }
      }
      LOG.info("draining: no new TCP connections; waiting up to {} for {} open", DurationText.format(limit), tracker.open());
    }
    if (tracker.open() == 0) {
      drained.complete(null);
    }
    try {
      CompletableFuture.anyOf(drained, cutShort).get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Time is up; the caller's close ends what is left.
    } catch (ExecutionException e) {
      throw new IllegalStateException("the drain's signal failed", e);
    }
    return tracker.open();
  }

  /** Stops listening, closes every connection and stops the event loops. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    resolving.shutdownNow();
    listeners.values().forEach(l -> l.channels.forEach(ch -> ch.close().awaitUninterruptibly()));
    listeners.clear();
    new ArrayList<>(tracker.live()).forEach(c -> c.close(CloseCause.GATEWAY_STOPPED, "gateway stopped"));
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    if (udpWorkers != null) {
      udpWorkers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    LOG.info("gateway stopped");
  }

  @Override
  public String toString() {
    return "Gateway[" + transport.name + ", " + snapshot.policy.source() + ", open=" + tracker.open() + "]";
  }
}
