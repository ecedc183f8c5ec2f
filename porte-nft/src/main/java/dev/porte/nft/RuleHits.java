package dev.porte.nft;

import dev.porte.core.model.Action;
import dev.porte.core.model.Direction;
import dev.porte.core.model.Rule;
import java.util.List;
import java.util.Map;

/**
 * What the kernel counted for each enabled policy rule (in the order written) and for each
 * direction's default since the table was applied. A rule's count is the packets it decided: in the
 * inbound and outbound chains the packets that open connections (to published container ports too,
 * chain inbound_dnat), and in filtered mode also the data leaving on inbound connections that the
 * outbound rules judged (chains outbound_reply and outbound_reply_dnat, added up). Immutable.
 */
public record RuleHits(List<RuleCount> rules, Map<Direction, DefaultCount> defaults) {
  public RuleHits {
    rules = List.copyOf(rules);
    defaults = Map.copyOf(defaults);
  }

  /** Packets and bytes. */
  public record Count(long packets, long bytes) {
    public static final Count ZERO = new Count(0, 0);

    Count plus(Count other) {
      return new Count(packets + other.packets, bytes + other.bytes);
    }
  }

  /** One policy rule and its count; {@link #neverMatched()} when the kernel saw nothing for it. */
  public record RuleCount(Rule rule, Count count) {
    public boolean neverMatched() {
      return count.packets() == 0;
    }
  }

  /** A direction's default action and what it decided. */
  public record DefaultCount(Action action, Count count) {}
}
