package dev.porte.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.IpAddress;
import dev.porte.core.model.Protocol;
import dev.porte.core.policy.PolicyException;
import dev.porte.server.connections.ConnectionEvent;
import dev.porte.server.connections.ConnectionQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database must do; run against SQLite and against a real PostgreSQL server. */
abstract class PolicyStoreContract {
  static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");

  final TestClock clock = new TestClock(T0);
  Database db;
  PolicyStore store;

  /** A location with an empty database behind it. */
  abstract StoreLocation freshLocation() throws Exception;

  /** The same database again, as the next start of the process would find it. */
  abstract StoreLocation sameLocation();

  @BeforeEach
  void open() throws Exception {
    db = Database.open(freshLocation());
    store = new PolicyStore(db, clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aFreshStoreHasNoPolicy() {
    assertThat(store.current()).isEmpty();
    assertThat(store.history()).isEmpty();
  }

  @Test
  void saveKeepsWhoWhenWhyTextAndHashWithoutApplying() {
    PolicyVersion saved = store.save("alice", "open the web", Samples.WEB);

    assertThat(store.get(saved.id())).isEqualTo(saved);
    assertThat(saved.author()).isEqualTo("alice");
    assertThat(saved.message()).isEqualTo("open the web");
    assertThat(saved.createdAt()).isEqualTo(T0);
    assertThat(saved.sha256()).isEqualTo(PolicyVersion.sha256(Samples.WEB)).hasSize(64);
    assertThat(saved.intact()).isTrue();
    assertThat(store.current()).isEmpty();
  }

  @Test
  void anInvalidPolicyIsRefusedWithItsPositionAndNothingIsStored() {
    store.save("alice", "first", Samples.WEB);

    assertThatThrownBy(() -> store.save("bob", "typo", Samples.BAD_PORT))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("porte.yaml:3:")
        .hasMessageContaining("70000");
    assertThat(store.history()).hasSize(1);
  }

  @Test
  void applyPutsAVersionInForceAndHistoryIsNewestFirst() {
    PolicyVersion web = store.save("alice", "web", Samples.WEB);
    clock.advance(Duration.ofMinutes(5));
    PolicyVersion ssh = store.save("bob", "ssh", Samples.SSH);

    AppliedPolicy applied = store.apply(web.id(), "carol");

    assertThat(applied.version()).isEqualTo(web);
    assertThat(applied.appliedBy()).isEqualTo("carol");
    assertThat(applied.appliedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(store.current()).contains(applied);
    assertThat(store.history()).extracting(PolicyVersion::id).containsExactly(ssh.id(), web.id());
  }

  @Test
  void rollbackReturnsToTheVersionAppliedBeforeStepByStep() {
    AppliedPolicy first = store.saveAndApply("a", "closed", Samples.CLOSED);
    AppliedPolicy second = store.saveAndApply("a", "web", Samples.WEB);
    store.saveAndApply("a", "ssh", Samples.SSH);
    assertThat(store.current().orElseThrow().depth()).isEqualTo(2);

    AppliedPolicy back = store.rollback("bob");
    assertThat(back.version()).isEqualTo(second.version());
    assertThat(back.kind()).isEqualTo("rollback");
    assertThat(store.rollback("bob").version()).isEqualTo(first.version());

    assertThatThrownBy(() -> store.rollback("bob"))
        .isInstanceOfSatisfying(PorteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessage("nothing to roll back to: version " + first.version().id() + " is the only applied version left");
    assertThat(store.current().orElseThrow().version()).isEqualTo(first.version());
  }

  @Test
  void applyingTheVersionInForceAgainIsAConflict() {
    AppliedPolicy web = store.saveAndApply("a", "web", Samples.WEB);

    assertThatThrownBy(() -> store.apply(web.version().id(), "bob"))
        .isInstanceOfSatisfying(PorteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessage("version " + web.version().id() + " is already in force");
    assertThat(store.current().orElseThrow().depth()).isZero();
  }

  @Test
  void rollbackWithNothingAppliedIsAConflict() {
    assertThatThrownBy(() -> store.rollback("bob"))
        .isInstanceOf(PorteException.class)
        .hasMessage("nothing to roll back: no policy was ever applied");
  }

  @Test
  void unknownVersionsAreNotFound() {
    assertThatThrownBy(() -> store.get(4242))
        .isInstanceOfSatisfying(PorteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessage("no policy version 4242");
    assertThatThrownBy(() -> store.apply(4242, "bob")).hasMessage("no policy version 4242");
    assertThat(store.current()).isEmpty();
  }

  @Test
  void everythingSurvivesAReopen() {
    store.saveAndApply("alice", "web", Samples.WEB);
    PolicyVersion ssh = store.save("alice", "ssh", Samples.SSH);
    store.apply(ssh.id(), "alice");
    db.close();

    db = Database.open(sameLocation());
    store = new PolicyStore(db, clock);

    assertThat(store.current().orElseThrow().version()).isEqualTo(ssh);
    assertThat(store.history()).hasSize(2);
    assertThat(store.rollback("bob").version().text()).isEqualTo(Samples.WEB);
  }

  @Test
  void theConnectionLogFiltersAndKeepsOnlyTheNewest() {
    ConnectionLogStore log = new ConnectionLogStore(db, 3);
    IpAddress a = IpAddress.parse("198.51.100.7");
    IpAddress b = IpAddress.parse("2001:db8::7");
    log.record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.TCP, a, 22, Action.DENY, "default policy", 0, 0, null));
    log.record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.TCP, a, 80, Action.ALLOW, "porte.yaml line 3", 120, 4096, "idle"));
    log.record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.TCP, b, 80, Action.ALLOW, "porte.yaml line 3", 5, 6, "closed"));
    log.record(ConnectionEvent.of(T0, Direction.INBOUND, Protocol.UDP, b, 53, Action.REJECT, null, 0, 0, null));

    assertThat(log.size()).isEqualTo(3);
    List<ConnectionEvent> all = log.find(ConnectionQuery.all());
    assertThat(all).extracting(ConnectionEvent::port).containsExactly(53, 80, 80);
    assertThat(all.get(0).rule()).isNull();
    assertThat(all).extracting(ConnectionEvent::ended).containsExactly(null, "closed", "idle");
    assertThat(log.find(new ConnectionQuery(Action.ALLOW, 80, a, null, 10)))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.bytesIn()).isEqualTo(120);
          assertThat(e.bytesOut()).isEqualTo(4096);
          assertThat(e.rule()).isEqualTo("porte.yaml line 3");
          assertThat(e.at()).isEqualTo(T0);
        });
    assertThat(log.find(new ConnectionQuery(null, null, b, null, 1))).extracting(ConnectionEvent::protocol).containsExactly(Protocol.UDP);
    assertThat(log.find(new ConnectionQuery(Action.DENY, null, null, null, 10))).isEmpty();
    assertThat(log.find(new ConnectionQuery(null, null, null, "idle", 10))).extracting(ConnectionEvent::client).containsExactly(a);
    assertThat(log.find(new ConnectionQuery(null, null, null, "backend_error", 10))).isEmpty();
  }
}
