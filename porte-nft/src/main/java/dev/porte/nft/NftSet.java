package dev.porte.nft;

import java.util.List;

/**
 * A named set: its nft type ({@code ipv4_addr . inet_service}), whether its elements are intervals,
 * the elements as nft writes them ({@code 10.0.0.0/8 . 80-90}) and, for each, the index of the
 * policy rule that owns it (whose packets its counter counts). The compiler guarantees the elements
 * never overlap, which the kernel requires of interval sets.
 */
public record NftSet(String name, String type, boolean interval, List<String> elements, String comment, List<Integer> owners) {
  public NftSet {
    elements = List.copyOf(elements);
    owners = List.copyOf(owners);
    if (elements.isEmpty()) {
      throw new IllegalArgumentException("set " + name + " has no elements; nft cannot declare an empty literal");
    }
    if (owners.size() != elements.size()) {
      throw new IllegalArgumentException("set " + name + " has " + elements.size() + " elements but " + owners.size() + " owners");
    }
  }

  /**
   * True when the elements belong to different rules: their counters are then what says which rule
   * matched. Otherwise the counter of the rule that looks the set up does.
   */
  public boolean countsByElement() {
    return owners.stream().distinct().count() > 1;
  }
}
