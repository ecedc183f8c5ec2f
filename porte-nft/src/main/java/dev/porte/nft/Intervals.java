package dev.porte.nft;

import dev.porte.core.model.Cidr;
import dev.porte.core.model.PortRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The interval arithmetic the kernel forces on us: elements of an nft interval set must not
 * overlap ("File exists"), so port lists are merged and address-by-port boxes made disjoint before
 * they become set elements. The union of the elements is always exactly the union of the inputs.
 */
final class Intervals {
  private Intervals() {}

  /** Sorted, overlapping and adjacent ranges coalesced. */
  static List<PortRange> merge(List<PortRange> ranges) {
    List<PortRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingInt(PortRange::lo));
    List<PortRange> out = new ArrayList<>();
    for (PortRange r : sorted) {
      if (!out.isEmpty() && r.lo() <= out.get(out.size() - 1).hi() + 1) {
        PortRange last = out.remove(out.size() - 1);
        out.add(new PortRange(last.lo(), Math.max(last.hi(), r.hi())));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** {@code ranges} minus {@code taken}; both merged first. */
  static List<PortRange> subtract(List<PortRange> ranges, List<PortRange> taken) {
    List<PortRange> out = new ArrayList<>();
    List<PortRange> cut = merge(taken);
    for (PortRange r : merge(ranges)) {
      int lo = r.lo();
      for (PortRange t : cut) {
        if (t.hi() < lo || t.lo() > r.hi()) {
          continue;
        }
        if (t.lo() > lo) {
          out.add(new PortRange(lo, t.lo() - 1));
        }
        lo = t.hi() + 1;
        if (lo > r.hi()) {
          break;
        }
      }
      if (lo <= r.hi()) {
        out.add(new PortRange(lo, r.hi()));
      }
    }
    return out;
  }

  /** The networks not inside another of the list, each once, in first-seen order. */
  static List<Cidr> outermost(List<Cidr> cidrs) {
    Map<Cidr, Boolean> distinct = new LinkedHashMap<>();
    cidrs.forEach(c -> distinct.put(c, Boolean.TRUE));
    List<Cidr> out = new ArrayList<>();
    for (Cidr c : distinct.keySet()) {
      if (nearestAncestor(c, distinct) == null) {
        out.add(c);
      }
    }
    return out;
  }

  /** A network and the ports it is paired with in a concatenated set. */
  record Box(Cidr cidr, List<PortRange> ports) {}

  /**
   * Disjoint boxes covering exactly the union of {@code boxes}. Networks are nested or disjoint, so
   * each network keeps only the ports that none of its enclosing networks already has; the union is
   * unchanged (the inner network lies inside the outer one) and no two boxes overlap.
   */
  static List<Box> disjoint(List<Box> boxes) {
    Map<Cidr, List<PortRange>> own = new LinkedHashMap<>();
    for (Box box : boxes) {
      own.computeIfAbsent(box.cidr(), k -> new ArrayList<>()).addAll(box.ports());
    }
    List<Cidr> order = new ArrayList<>(own.keySet());
    // Outer networks first, so that each network's ancestors are settled before it.
    order.sort(Comparator.comparingInt(Cidr::prefix));
    Map<Cidr, List<PortRange>> covered = new LinkedHashMap<>();
    List<Box> out = new ArrayList<>();
    for (Cidr c : order) {
      Cidr parent = nearestAncestor(c, own);
      List<PortRange> above = parent == null ? List.of() : covered.get(parent);
      List<PortRange> mine = merge(own.get(c));
      List<PortRange> left = subtract(mine, above);
      List<PortRange> all = new ArrayList<>(above);
      all.addAll(mine);
      covered.put(c, merge(all));
      if (!left.isEmpty()) {
        out.add(new Box(c, left));
      }
    }
    return out;
  }

  /** The longest strictly shorter prefix of {@code c} present in {@code present}, or null. */
  private static <V> @Nullable Cidr nearestAncestor(Cidr c, Map<Cidr, V> present) {
    for (int p = c.prefix() - 1; p >= 0; p--) {
      Cidr up = Cidr.of(c.network(), p);
      if (present.containsKey(up)) {
        return up;
      }
    }
    return null;
  }
}
