package dev.porte.nft;

import dev.porte.core.model.Direction;

/**
 * Whose packets a kernel counter counts: one policy rule's (by its index in the policy), or a
 * direction's default. {@code status --hits} adds every counter to its owner.
 */
public sealed interface Owner {
  /** The packets the policy rule with this index decided. */
  record OfRule(int index) implements Owner {}

  /** The packets no rule matched, which the direction's default decided. */
  record OfDefault(Direction direction) implements Owner {}
}
