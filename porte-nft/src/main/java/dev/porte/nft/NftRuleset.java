package dev.porte.nft;

import java.util.List;

/**
 * A whole nftables table as porte emits it: header comments for the reader, named sets and chains.
 * Immutable; serialise it with {@link NftScript#write(NftRuleset)}.
 */
public record NftRuleset(String family, String name, List<String> header, List<NftSet> sets, List<NftChain> chains) {
  public NftRuleset {
    header = List.copyOf(header);
    sets = List.copyOf(sets);
    chains = List.copyOf(chains);
  }

  /** The chain called {@code name}; an {@link IllegalArgumentException} naming it when absent. */
  public NftChain chain(String chainName) {
    for (NftChain chain : chains) {
      if (chain.name().equals(chainName)) {
        return chain;
      }
    }
    throw new IllegalArgumentException("no chain " + chainName + " in table " + family + " " + name);
  }

  /** Every rule of every chain. */
  public int ruleCount() {
    return chains.stream().mapToInt(c -> c.rules().size()).sum();
  }
}
