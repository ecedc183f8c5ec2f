package dev.porte.core.engine;

import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import dev.porte.core.model.Policy;
import dev.porte.core.model.Rule;

/**
 * The definition of a verdict (DESIGN.md section 1), written as plainly as possible: a scan over
 * every rule. It is the oracle the indexed engine, the kernel ruleset and the gateway are tested
 * against, so it stays simple rather than fast.
 */
public final class ReferenceEvaluator implements Evaluator {
  private final Policy policy;

  public ReferenceEvaluator(Policy policy) {
    this.policy = policy;
  }

  @Override
  public Policy policy() {
    return policy;
  }

  @Override
  public Decision decide(Flow flow) {
    if (flow.remote().isLoopback()) {
      return Decision.LOOPBACK;
    }
    Rule best = null;
    for (Rule rule : policy.rules()) {
      // Step 1: only enabled rules of the flow's direction that match protocol, port and address.
      if (!rule.matches(flow)) {
        continue;
      }
      // Steps 2 and 3: lowest priority number, then block before allow, then the first written.
      if (best == null || Rule.PRECEDENCE.compare(rule, best) < 0) {
        best = rule;
      }
    }
    // Step 4: no candidate, the direction's default.
    return best == null ? Decision.byDefault(policy.defaultAction(flow.direction())) : Decision.byRule(best);
  }
}
