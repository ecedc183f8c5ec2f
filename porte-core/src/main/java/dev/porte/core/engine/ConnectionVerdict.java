package dev.porte.core.engine;

import dev.porte.core.model.Decision;
import dev.porte.core.model.Flow;
import dev.porte.core.model.ReplyMode;

/**
 * The fate of one connection: {@code open} decides whether it is admitted; {@code data} decides
 * whether what the host sends back on it may leave. For an inbound connection in {@code filtered}
 * mode {@code data} is the outbound verdict for the client and the local service port; in
 * {@code stateful} mode, and for the host's own outbound connections, it is {@code open} itself.
 */
public record ConnectionVerdict(Flow flow, Decision open, Decision data, ReplyMode mode) {
  public boolean admitted() {
    return open.allowed();
  }

  /** True when the connection opens and its data flows back: a download works. */
  public boolean dataFlows() {
    return open.allowed() && data.allowed();
  }
}
