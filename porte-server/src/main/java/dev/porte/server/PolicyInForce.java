package dev.porte.server;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import dev.porte.server.store.AppliedPolicy;
import dev.porte.server.store.PolicyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The policy this process enforces now, parsed and compiled once per apply. Thread-safe: a new
 * {@link Snapshot} is published through one volatile reference, so readers never lock and never
 * see half an update.
 *
 * <p>This is the seam for enforcement: the gateway registers a listener with {@link #onChange}
 * and reloads its engine from each snapshot.
 */
public final class PolicyInForce {
  /** A stored, applied version with its parsed policy and compiled engine. Immutable. */
  public record Snapshot(AppliedPolicy applied, Policy policy, DecisionEngine engine) {}

  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private volatile Snapshot snapshot;

  private PolicyInForce(Snapshot first) {
    this.snapshot = first;
  }

  /** Starts from {@code applied}, the version the store says is in force. */
  public static PolicyInForce of(AppliedPolicy applied) {
    return new PolicyInForce(compile(applied));
  }

  public Snapshot now() {
    return snapshot;
  }

  /** Makes {@code applied} the policy in force and tells every listener. */
  public Snapshot publish(AppliedPolicy applied) {
    Snapshot next = compile(applied);
    snapshot = next;
    for (Consumer<Snapshot> listener : listeners) {
      listener.accept(next);
    }
    return next;
  }

  /** Calls {@code listener} after each publish, on the publishing thread. */
  public void onChange(Consumer<Snapshot> listener) {
    listeners.add(listener);
  }

  /** Stops calling {@code listener}. */
  public void removeListener(Consumer<Snapshot> listener) {
    listeners.remove(listener);
  }

  private static Snapshot compile(AppliedPolicy applied) {
    // Stored versions were validated before they were stored; parsing again cannot fail unless
    // the catalogue changed between versions of porte, and then failing loudly is right.
    Policy policy = Policies.parser().parse(applied.version().text(), PolicyStore.FILE_NAME);
    return new Snapshot(applied, policy, DecisionEngine.compile(policy));
  }
}
