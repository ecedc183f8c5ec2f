package dev.porte.core.engine;

import java.util.Arrays;

/**
 * Turns port ranges given in rank order into the step function "port → minimal rank": a sorted
 * list of disjoint intervals, each with the rank that wins on it. Ports covered by no range are
 * simply absent. Adjacent intervals of equal rank are merged, so the result is the smallest such
 * list and a lookup binary-searches as few intervals as possible.
 *
 * <p>Used at compile time only. Cost is O(k log k) for k ranges, whatever their widths: ranges are
 * cut at their own end points (at most 2k elementary segments), and each segment is painted once,
 * by the first (lowest-rank) range that covers it, thanks to a "next unpainted segment" pointer
 * that skips painted runs.
 *
 * <p>Stateless; not instantiable.
 */
final class RankIntervals {
  private RankIntervals() {}

  /**
   * @param ranges {@code lo, hi, rank} triples, {@code count} of them, in ascending rank order
   *     (ties allowed); {@code lo <= hi}
   * @return {@code lo, hi, rank} triples of disjoint intervals in ascending port order, the rank
   *     of each being the lowest rank of the input ranges that cover it
   */
  static int[] paint(int[] ranges, int count) {
    if (count == 1) {
      return new int[] {ranges[0], ranges[1], ranges[2]};
    }
    // Cut points: every lo and every hi + 1. Segment j is [points[j], points[j + 1] - 1].
    int[] points = new int[2 * count];
    for (int i = 0; i < count; i++) {
      points[2 * i] = ranges[3 * i];
      points[2 * i + 1] = ranges[3 * i + 1] + 1;
    }
    Arrays.sort(points);
    int distinct = 0;
    for (int i = 0; i < points.length; i++) {
      if (i == 0 || points[i] != points[i - 1]) {
        points[distinct++] = points[i];
      }
    }
    int segments = distinct - 1;
    int[] rank = new int[segments];
    Arrays.fill(rank, DecisionEngine.NONE);
    // next[j]: a segment index >= j that may be unpainted; next[j] == j means j is unpainted.
    int[] next = new int[segments + 1];
    for (int j = 0; j <= segments; j++) {
      next[j] = j;
    }
    for (int i = 0; i < count; i++) {
      int first = Arrays.binarySearch(points, 0, distinct, ranges[3 * i]);
      int end = Arrays.binarySearch(points, 0, distinct, ranges[3 * i + 1] + 1);
      for (int j = find(next, first); j < end; j = find(next, j + 1)) {
        rank[j] = ranges[3 * i + 2];
        next[j] = j + 1;
      }
    }
    int[] out = new int[3 * segments];
    int n = 0;
    for (int j = 0; j < segments; j++) {
      if (rank[j] == DecisionEngine.NONE) {
        continue;
      }
      int lo = points[j];
      int hi = points[j + 1] - 1;
      if (n > 0 && out[3 * (n - 1) + 2] == rank[j] && out[3 * (n - 1) + 1] + 1 == lo) {
        out[3 * (n - 1) + 1] = hi;
      } else {
        out[3 * n] = lo;
        out[3 * n + 1] = hi;
        out[3 * n + 2] = rank[j];
        n++;
      }
    }
    return Arrays.copyOf(out, 3 * n);
  }

  /**
   * The first unfilled slot at or after {@code i}, with path halving so that long painted runs are
   * crossed in near-constant amortized time. {@code next} has a sentinel at its last index that
   * points to itself.
   */
  static int find(int[] next, int i) {
    while (next[i] != i) {
      next[i] = next[next[i]];
      i = next[i];
    }
    return i;
  }
}
