package dev.porte.nft;

import dev.porte.core.model.Cidr;
import dev.porte.core.model.PortRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The interval arithmetic the kernel forces on us, with every piece owned by one policy rule.
 * Elements of an nft interval set must not overlap ("File exists"), and {@code status --hits} must
 * credit each element's counter to exactly one rule: the one the reference evaluator would name,
 * which within a level (equal priority and action) is the rule written first, so the smallest
 * owner (a rule's index) wins wherever pieces overlap. The union of the output is always exactly
 * the union of the input.
 */
final class Intervals {
  private Intervals() {}

  /** A port range that belongs to the policy rule with index {@code owner}. */
  record Owned(PortRange range, int owner) {}

  /** A network and port range pair, an element of a concatenated set, owned by one rule. */
  record Piece(Cidr cidr, PortRange range, int owner) {}

  /**
   * Disjoint, sorted ranges covering exactly the union of {@code ranges}, each port owned by the
   * smallest owner that covers it; neighbours of the same owner are coalesced, neighbours of
   * different owners never are.
   */
  static List<Owned> label(List<Owned> ranges) {
    List<Owned> byOwner = new ArrayList<>(ranges);
    byOwner.sort(Comparator.comparingInt(Owned::owner));
    // Disjoint pieces by their low end; each range only fills the gaps its betters left.
    TreeMap<Integer, Owned> taken = new TreeMap<>();
    for (Owned r : byOwner) {
      int lo = r.range().lo();
      int hi = r.range().hi();
      Map.Entry<Integer, Owned> before = taken.floorEntry(lo);
      int next = lo;
      if (before != null && before.getValue().range().hi() >= lo) {
        next = before.getValue().range().hi() + 1;
      }
      List<Owned> fill = new ArrayList<>();
      for (Owned t : taken.subMap(lo, true, hi, true).values()) {
        if (t.range().lo() > next) {
          fill.add(new Owned(new PortRange(next, t.range().lo() - 1), r.owner()));
        }
        next = Math.max(next, t.range().hi() + 1);
      }
      if (next <= hi) {
        fill.add(new Owned(new PortRange(next, hi), r.owner()));
      }
      fill.forEach(f -> taken.put(f.range().lo(), f));
    }
    List<Owned> out = new ArrayList<>();
    for (Owned o : taken.values()) {
      Owned last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.owner() == o.owner() && last.range().hi() + 1 == o.range().lo()) {
        out.set(out.size() - 1, new Owned(new PortRange(last.range().lo(), o.range().hi()), o.owner()));
      } else {
        out.add(o);
      }
    }
    return out;
  }

  /** The parts of {@code ranges} not covered by {@code taken}; both as {@link #label} returns them. */
  static List<Owned> subtract(List<Owned> ranges, List<Owned> taken) {
    List<Owned> out = new ArrayList<>();
    for (Owned r : ranges) {
      int lo = r.range().lo();
      for (Owned t : taken) {
        if (t.range().hi() < lo || t.range().lo() > r.range().hi()) {
          continue;
        }
        if (t.range().lo() > lo) {
          out.add(new Owned(new PortRange(lo, t.range().lo() - 1), r.owner()));
        }
        lo = t.range().hi() + 1;
        if (lo > r.range().hi()) {
          break;
        }
      }
      if (lo <= r.range().hi()) {
        out.add(new Owned(new PortRange(lo, r.range().hi()), r.owner()));
      }
    }
    return out;
  }

  /**
   * Sets of pieces for lookups made one after another, the first list first. Within one list no
   * two pieces overlap; the lists together cover exactly the union of {@code pieces}; and the first
   * list holding a piece that contains a point gives that point the smallest owner of the input
   * pieces containing it.
   *
   * <p>Networks are nested or disjoint. A network's effective owners are the best of its own and
   * its nearest enclosing network's; it emits only where that differs from the enclosing network.
   * Where nothing encloses it ("fresh" ports) its pieces overlap no other emitted piece and join
   * the last list; where it overrides an enclosing network's owner its pieces overlap that
   * network's and go into an earlier list, one per depth, deepest first. Without overrides
   * (the common case) the result is one list, as small as the merged cover.
   */
  static List<List<Piece>> layers(List<Piece> pieces) {
    Map<Cidr, List<Owned>> own = new LinkedHashMap<>();
    for (Piece p : pieces) {
      own.computeIfAbsent(p.cidr(), k -> new ArrayList<>()).add(new Owned(p.range(), p.owner()));
    }
    List<Cidr> order = new ArrayList<>(own.keySet());
    // Outer networks first, so that each network's enclosing ones are settled before it.
    order.sort(Comparator.comparingInt(Cidr::prefix));
    Map<Cidr, Cidr> parents = new HashMap<>();
    Map<Cidr, Integer> depth = new HashMap<>();
    java.util.Set<Cidr> hasChildren = new java.util.HashSet<>();
    for (Cidr c : order) {
      Cidr parent = nearestAncestor(c, own);
      if (parent != null) {
        parents.put(c, parent);
        hasChildren.add(parent);
      }
      depth.put(c, parent == null ? 0 : depth.get(parent) + 1);
    }
    Map<Cidr, List<Owned>> effective = new HashMap<>();
    TreeMap<Integer, List<Piece>> byDepth = new TreeMap<>(Comparator.reverseOrder());
    for (Cidr c : order) {
      List<Owned> mine = label(own.get(c));
      Cidr parent = parents.get(c);
      List<Owned> above = parent == null ? List.of() : effective.get(parent);
      for (Owned o : mine) {
        emit(c, o, above, depth.get(c), byDepth);
      }
      if (hasChildren.contains(c)) {
        List<Owned> all = new ArrayList<>(above);
        all.addAll(mine);
        effective.put(c, label(all));
      }
    }
    List<List<Piece>> out = new ArrayList<>();
    byDepth.values().forEach(layer -> out.add(List.copyOf(layer)));
    return out;
  }

  /** Emits the parts of {@code o} where it beats {@code above} (sorted, disjoint) or above has nothing. */
  private static void emit(Cidr c, Owned o, List<Owned> above, int depth, TreeMap<Integer, List<Piece>> byDepth) {
    int next = o.range().lo();
    int hi = o.range().hi();
    int from = firstEndingAtOrAfter(above, next);
    for (int i = from; i < above.size() && above.get(i).range().lo() <= hi; i++) {
      Owned a = above.get(i);
      if (a.range().lo() > next) {
        add(byDepth, 0, new Piece(c, new PortRange(next, a.range().lo() - 1), o.owner()));
      }
      int lo = Math.max(next, a.range().lo());
      int end = Math.min(hi, a.range().hi());
      if (o.owner() < a.owner()) {
        add(byDepth, depth, new Piece(c, new PortRange(lo, end), o.owner()));
      }
      next = end + 1;
    }
    if (next <= hi) {
      add(byDepth, 0, new Piece(c, new PortRange(next, hi), o.owner()));
    }
  }

  private static void add(TreeMap<Integer, List<Piece>> byDepth, int depth, Piece piece) {
    List<Piece> layer = byDepth.computeIfAbsent(depth, k -> new ArrayList<>());
    Piece last = layer.isEmpty() ? null : layer.get(layer.size() - 1);
    if (last != null && last.cidr().equals(piece.cidr()) && last.owner() == piece.owner()
        && last.range().hi() + 1 == piece.range().lo()) {
      layer.set(layer.size() - 1, new Piece(piece.cidr(), new PortRange(last.range().lo(), piece.range().hi()), piece.owner()));
    } else {
      layer.add(piece);
    }
  }

  /** Binary search: the index of the first range whose high end is at least {@code port}. */
  private static int firstEndingAtOrAfter(List<Owned> sorted, int port) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).range().hi() < port) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
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
