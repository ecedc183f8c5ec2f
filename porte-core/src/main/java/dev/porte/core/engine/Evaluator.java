package dev.porte.core.engine;

import dev.porte.core.model.Decision;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Flow;
import dev.porte.core.model.Policy;
import dev.porte.core.model.ReplyMode;

/**
 * Answers "would this flow pass, and why" for one policy. Implementations are immutable and
 * thread-safe; a new policy means a new evaluator.
 */
public interface Evaluator {
  Policy policy();

  /** The verdict for one flow, with what decided it. */
  Decision decide(Flow flow);

  /**
   * What happens to a connection opened by {@code flow} (DESIGN.md, "Connections"): whether it
   * opens, and whether the data on it may leave this host towards the remote side.
   */
  default ConnectionVerdict connect(Flow flow) {
    Decision open = decide(flow);
    if (flow.direction() == Direction.OUTBOUND) {
      // Our own outbound connection: its replies come back in once it is admitted.
      return new ConnectionVerdict(flow, open, open, ReplyMode.STATEFUL);
    }
    ReplyMode mode = policy().replies();
    if (!open.allowed() || mode == ReplyMode.STATEFUL) {
      return new ConnectionVerdict(flow, open, open, mode);
    }
    Flow reply = new Flow(Direction.OUTBOUND, flow.protocol(), flow.remote(), flow.port());
    return new ConnectionVerdict(flow, open, decide(reply), mode);
  }
}
