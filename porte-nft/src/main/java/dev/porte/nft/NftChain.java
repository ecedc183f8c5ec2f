package dev.porte.nft;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A chain: a base chain when {@code hook} is given ({@code input}, {@code output}, {@code forward},
 * priority filter, policy accept — porte's verdicts are explicit rules), else a regular chain
 * reached by {@code jump}.
 */
public record NftChain(String name, @Nullable String hook, String comment, List<NftRule> rules) {
  public NftChain {
    rules = List.copyOf(rules);
  }

  public boolean isBase() {
    return hook != null;
  }
}
