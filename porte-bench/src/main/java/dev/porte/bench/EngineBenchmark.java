package dev.porte.bench;

import dev.porte.core.engine.DecisionEngine;
import dev.porte.core.engine.ReferenceEvaluator;
import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import dev.porte.core.model.Policy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One verdict per call, from the indexed {@link DecisionEngine} and from the plain {@link
 * ReferenceEvaluator}, on generated policies of 100 to 100,000 rules (STYLE.md item 14:
 * pre-generated flows, a masked index, the decision returned so that JMH keeps it alive).
 *
 * <p>Not final and public: JMH generates subclasses of it.
 */
@State(Scope.Thread)
public class EngineBenchmark {
  /** A power of two, so that the next flow is {@code counter & MASK}. */
  static final int FLOWS = 4096;

  private static final int MASK = FLOWS - 1;

  @Param({"100", "10000", "100000"})
  public int rules;

  private DecisionEngine engine;
  private ReferenceEvaluator reference;
  private Flow[] flows;
  private int next;

  @Setup
  public void setUp() {
    PolicyGenerator generator = new PolicyGenerator(PolicyGenerator.DEFAULT_SEED);
    Policy policy = generator.policy(rules);
    engine = DecisionEngine.compile(policy);
    reference = new ReferenceEvaluator(policy);
    flows = generator.flows(policy, FLOWS);
  }

  @Benchmark
  public Decision engine() {
    return engine.decide(flows[next++ & MASK]);
  }

  @Benchmark
  public Decision reference() {
    return reference.decide(flows[next++ & MASK]);
  }
}
