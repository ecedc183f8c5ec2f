package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.core.engine.ConnectionVerdict;
import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.model.Flow;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Protocol;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What one sweep does to the connections of its event loop, on a clock the test moves. */
class IdleSweeperTest {
  private static final IpAddress CLIENT = IpAddress.parse("198.51.100.7");
  private final AtomicLong now = new AtomicLong();
  private final Policy policy = policy("services:\n  7: { to: 127.0.0.1:9 }\n");
  private final DecisionEngine engine = DecisionEngine.compile(policy);
  private final IdleSweeper sweeper =
      new IdleSweeper(Duration.ofMinutes(5).toMillis(), TcpKeepalive.DEFAULT, now::get);

  @Test
  void backendsQuietForTheKeepaliveTimeGetProbesAThousandOrSoPerSweepAtMost() {
    Set<Connection> owned = new LinkedHashSet<>();
    List<Connection> quiet = new ArrayList<>();
    for (int i = 0; i < IdleSweeper.PROBES_SET_PER_SWEEP + 500; i++) {
      quiet.add(connection(owned));
    }
    now.set(Duration.ofSeconds(30).toNanos());
    Connection busy = connection(owned);
    now.set(Duration.ofSeconds(61).toNanos());

    sweeper.sweep(owned);
    assertThat(quiet.stream().filter(Connection::backendProbed)).hasSize(IdleSweeper.PROBES_SET_PER_SWEEP);
    sweeper.sweep(owned);
    assertThat(quiet).allMatch(Connection::backendProbed);
    assertThat(busy.backendProbed()).as("quiet for 31s only").isFalse();
    assertThat(owned).as("none is idle for 5m yet").hasSize(quiet.size() + 1);
  }

  @Test
  void withKeepaliveOffNoBackendGetsProbes() {
    IdleSweeper off = new IdleSweeper(Duration.ofMinutes(5).toMillis(), TcpKeepalive.OFF, now::get);
    Set<Connection> owned = new LinkedHashSet<>();
    Connection c = connection(owned);
    now.set(Duration.ofMinutes(4).toNanos());
    off.sweep(owned);
    assertThat(c.backendProbed()).isFalse();
  }

  /** An admitted connection with a backend connected, last active now, in {@code owned}. */
  private Connection connection(Set<Connection> owned) {
    ConnectionVerdict verdict = engine.connect(Flow.inbound(Protocol.TCP, 7, CLIENT));
    Connection c = new Connection(new EmbeddedChannel(), CLIENT, policy.services().get(0),
        BackendAddresses.of(List.of(InetAddress.getLoopbackAddress()), 9), verdict);
    c.backend(new EmbeddedChannel());
    c.idleNanos(sweeper.idleNanos(c.service));
    c.touch(now.get());
    owned.add(c);
    return c;
  }
}
