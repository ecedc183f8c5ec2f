package dev.porte.nft;

import java.util.List;

/**
 * A named set: its nft type ({@code ipv4_addr . inet_service}), whether its elements are intervals,
 * and the elements as nft writes them ({@code 10.0.0.0/8 . 80-90}). The compiler guarantees the
 * elements never overlap, which the kernel requires of interval sets.
 */
public record NftSet(String name, String type, boolean interval, List<String> elements, String comment) {
  public NftSet {
    elements = List.copyOf(elements);
    if (elements.isEmpty()) {
      throw new IllegalArgumentException("set " + name + " has no elements; nft cannot declare an empty literal");
    }
  }
}
