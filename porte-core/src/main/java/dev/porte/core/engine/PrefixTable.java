package dev.porte.core.engine;

import dev.porte.core.model.Cidr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules with remote networks of one direction, one protocol and one address family, indexed
 * for "lowest rank among the rules whose network contains this address and whose ports contain
 * this port".
 *
 * <p>Layout: for each prefix length stored, an open-addressing hash table (linear probing, load
 * factor at most 1/2) keyed by the network bits. The lengths stored are those present in the
 * rules, less those the builder expanded into longer ones to save probes (see {@link Builder}).
 * An entry's value describes the ports of that exact network as a step function port → minimal
 * rank (see {@link RankIntervals}), either
 * packed into the slot itself when it is one interval (the usual case: a blocklisted host, or one
 * network with one port range), or as an offset into one shared array of {@code lo, hi, rank}
 * triples that a lookup binary-searches. A lookup masks the address once per prefix length,
 * probes, and keeps the lowest rank seen; it visits prefix lengths in ascending order of the
 * lowest rank stored under each, so it can stop as soon as no remaining length can win.
 *
 * <p>Slots are primitive {@code long}s: IPv4 tables hold {@code key, value} pairs (the key is the
 * 32 network bits, {@code -1} marks an empty slot); IPv6 tables hold {@code hi, lo, value}
 * triples ({@link #EMPTY} in the value marks an empty slot, since any 128-bit key is possible).
 *
 * <p>Immutable after construction and safe to share between threads: every field is final and
 * no array is written after the constructor returns. {@link #lookup} allocates nothing.
 */
final class PrefixTable {
  /** The value of an empty IPv6 slot; never a valid encoded value. */
  static final long EMPTY = Long.MIN_VALUE;

  /** The key of an empty IPv4 slot: network bits never exceed 32 bits. */
  private static final long EMPTY_V4_KEY = -1L;
  private static final long MIX_1 = 0x9E37_79B9_7F4A_7C15L;
  private static final long MIX_2 = 0xC2B2_AE3D_27D4_EB4FL;

  private final boolean v6;
  /** Prefix lengths stored, ordered by {@link #minRanks} ascending. */
  private final int[] lengths;
  /** The lowest rank stored anywhere under {@code lengths[i]}: the best that length can give. */
  private final int[] minRanks;
  private final long[] hiMasks;
  private final long[] loMasks;
  private final long[][] slots;
  /** {@code 64 - log2(capacity)}: the hash keeps the top bits of the mixed key. */
  private final int[] shifts;
  /** {@code lo, hi, rank} triples of every entry with more than one interval. */
  private final int[] intervals;

  private PrefixTable(
      boolean v6,
      int[] lengths,
      int[] minRanks,
      long[] hiMasks,
      long[] loMasks,
      long[][] slots,
      int[] shifts,
      int[] intervals) {
    this.v6 = v6;
    this.lengths = lengths;
    this.minRanks = minRanks;
    this.hiMasks = hiMasks;
    this.loMasks = loMasks;
    this.slots = slots;
    this.shifts = shifts;
    this.intervals = intervals;
  }

  /**
   * The lowest of {@code best} and the ranks of this table's entries whose network contains
   * {@code (hi, lo)} and whose ports contain {@code port}. The address must be of this table's
   * family.
   */
  int lookup(long hi, long lo, int port, int best) {
    return v6 ? lookupV6(hi, lo, port, best) : lookupV4(lo, port, best);
  }

  private int lookupV4(long address, int port, int best) {
    int[] minRanks = this.minRanks;
    for (int i = 0; i < minRanks.length; i++) {
      if (minRanks[i] >= best) {
        break; // sorted: no later length can beat what we have
      }
      long key = address & loMasks[i];
      long[] table = slots[i];
      int mask = (table.length >>> 1) - 1;
      int at = (int) ((key * MIX_1) >>> shifts[i]);
      while (true) {
        long stored = table[2 * at];
        if (stored == key) {
          int rank = rankAt(table[2 * at + 1], port);
          if (rank < best) {
            best = rank;
          }
          break;
        }
        if (stored == EMPTY_V4_KEY) {
          break;
        }
        at = (at + 1) & mask;
      }
    }
    return best;
  }

  private int lookupV6(long hi, long lo, int port, int best) {
    int[] minRanks = this.minRanks;
    for (int i = 0; i < minRanks.length; i++) {
      if (minRanks[i] >= best) {
        break;
      }
      long keyHi = hi & hiMasks[i];
      long keyLo = lo & loMasks[i];
      long[] table = slots[i];
      int mask = table.length / 3 - 1;
      int at = hashV6(keyHi, keyLo, shifts[i]);
      while (true) {
        long value = table[3 * at + 2];
        if (value == EMPTY) {
          break;
        }
        if (table[3 * at] == keyHi && table[3 * at + 1] == keyLo) {
          int rank = rankAt(value, port);
          if (rank < best) {
            best = rank;
          }
          break;
        }
        at = (at + 1) & mask;
      }
    }
    return best;
  }

  private static int hashV6(long hi, long lo, int shift) {
    long h = hi * MIX_1 + lo * MIX_2;
    h ^= h >>> 31;
    return (int) ((h * MIX_1) >>> shift);
  }

  /** The rank an encoded entry gives {@code port}, or {@link DecisionEngine#NONE}. */
  private int rankAt(long value, int port) {
    if (value >= 0) {
      // One interval, packed: rank << 32 | lo << 16 | hi.
      int lo = (int) (value >>> 16) & 0xFFFF;
      int hi = (int) value & 0xFFFF;
      return port >= lo && port <= hi ? (int) (value >>> 32) : DecisionEngine.NONE;
    }
    long where = ~value;
    int first = (int) (where >>> 20);
    int last = first + (int) (where & 0xF_FFFF) - 1;
    int[] iv = intervals;
    if (port < iv[3 * first]) {
      return DecisionEngine.NONE;
    }
    // The last interval whose lo <= port; intervals are disjoint and sorted.
    while (first < last) {
      int mid = (first + last + 1) >>> 1;
      if (iv[3 * mid] <= port) {
        first = mid;
      } else {
        last = mid - 1;
      }
    }
    return port <= iv[3 * first + 1] ? iv[3 * first + 2] : DecisionEngine.NONE;
  }

  /** A summary for diagnostics: {@code "v4: 3 lengths, 1200 networks"}. */
  @Override
  public String toString() {
    int networks = 0;
    for (long[] table : slots) {
      int stride = v6 ? 3 : 2;
      for (int at = 0; at < table.length / stride; at++) {
        if (v6 ? table[3 * at + 2] != EMPTY : table[2 * at] != EMPTY_V4_KEY) {
          networks++;
        }
      }
    }
    return (v6 ? "v6: " : "v4: ") + lengths.length + " lengths, " + networks + " networks";
  }

  /**
   * Collects {@code (network, port range, rank)} facts of one family in ascending rank order and
   * builds the table. Not thread-safe; used once.
   *
   * <p>Before building, it may <i>expand</i> short prefixes into longer ones (controlled prefix
   * expansion): a /21 becomes the eight /24s it contains, merged with any /24 entries already
   * there. Every address of the /21 lies in exactly one of those /24s, so a lookup finds the same
   * facts with one prefix length fewer to probe. Which lengths to merge is chosen by dynamic
   * programming: the fewest distinct lengths whose expanded entry count stays within a budget
   * proportional to the number of networks, so memory stays O(n) while lookups probe far fewer
   * tables when many lengths are present.
   */
  static final class Builder {
    /** Expanded entries allowed: this many times the networks, plus {@link #EXPANSION_SLACK}. */
    static final int EXPANSION_FACTOR = 3;

    static final int EXPANSION_SLACK = 1024;

    private final boolean v6;
    private final int maxPort;
    private final Map<Net, Ranges> byNetwork = new HashMap<>();
    /** Entries with more than one interval, as painted, appended in order. */
    private final List<int[]> multi = new ArrayList<>();
    private int multiSize;

    /**
     * @param maxPort the highest port a flow of this table's protocol can ask about: 65535, or 0
     *     for ICMP, whose flows carry port 0 and whose rules cover every "port"
     */
    Builder(boolean v6, int maxPort) {
      this.v6 = v6;
      this.maxPort = maxPort;
    }

    /** Adds one fact; calls must come in ascending (non-descending) rank order. */
    void add(Cidr network, int lo, int hi, int rank) {
      if (lo > maxPort) {
        return; // no flow of this protocol can ask about these ports
      }
      Net key = new Net(network.hi(), network.lo(), network.prefix());
      byNetwork.computeIfAbsent(key, k -> new Ranges(k)).add(lo, Math.min(hi, maxPort), rank);
    }

    PrefixTable build() {
      int bits = v6 ? 128 : 32;
      long[] counts = new long[bits + 1];
      for (Net network : byNetwork.keySet()) {
        counts[network.length]++;
      }
      long budget = (long) EXPANSION_FACTOR * byNetwork.size() + EXPANSION_SLACK;
      int[] target = plan(counts, budget);

      // How many entries each stored length can get at most (fewer where expanded copies meet).
      long[] bound = new long[bits + 1];
      for (int length = 0; length <= bits; length++) {
        bound[target[length]] += counts[length] << (target[length] - length);
      }
      LevelBuilder[] byLength = new LevelBuilder[bits + 1];
      for (int length = 0; length <= bits; length++) {
        if (bound[length] > 0) {
          byLength[length] = new LevelBuilder(length, (int) bound[length]);
        }
      }
      for (Ranges source : byNetwork.values()) {
        Net network = source.network;
        int to = target[network.length];
        LevelBuilder level = byLength[to];
        long copies = 1L << (to - network.length); // at most the budget: plan() saw to it
        int shift = bits - to; // the bit where the copy number's lowest bit goes
        for (long j = 0; j < copies; j++) {
          long hi = network.hi;
          long lo = network.lo;
          if (shift >= 64) {
            hi |= j << (shift - 64);
          } else {
            lo |= j << shift;
            // j has fewer than 32 bits (the budget bounds it): it may reach into hi, not past it.
            hi |= shift == 0 ? 0 : j >>> (64 - shift);
          }
          level.add(hi, lo, source);
        }
      }

      List<LevelBuilder> levels = new ArrayList<>();
      for (LevelBuilder level : byLength) {
        if (level != null) {
          level.encodeAll();
          levels.add(level);
        }
      }
      levels.sort((a, b) -> Integer.compare(a.minRank, b.minRank));
      int n = levels.size();
      int[] lengths = new int[n];
      int[] minRanks = new int[n];
      long[] hiMasks = new long[n];
      long[] loMasks = new long[n];
      long[][] slots = new long[n][];
      int[] shifts = new int[n];
      for (int i = 0; i < n; i++) {
        LevelBuilder level = levels.get(i);
        lengths[i] = level.length;
        minRanks[i] = level.minRank;
        hiMasks[i] = hiMask(v6, level.length);
        loMasks[i] = loMask(v6, level.length);
        slots[i] = level.table;
        shifts[i] = level.shift;
      }
      int[] intervals = new int[3 * multiSize];
      int offset = 0;
      for (int[] painted : multi) {
        System.arraycopy(painted, 0, intervals, offset, painted.length);
        offset += painted.length;
      }
      return new PrefixTable(v6, lengths, minRanks, hiMasks, loMasks, slots, shifts, intervals);
    }

    /**
     * The hash table of one stored length, filled in two passes: first each slot's value is the
     * id of its entry, whose source networks are chained in {@code head}/{@code link}; then
     * {@link #encodeAll} replaces each id with the entry's encoded intervals.
     */
    private final class LevelBuilder {
      final int length;
      final long[] table;
      final int shift;
      final int mask;
      final int[] head;
      final Ranges[] sources;
      final int[] link;
      int entries;
      int pairs;
      int minRank = DecisionEngine.NONE;

      LevelBuilder(int length, int bound) {
        this.length = length;
        int capacity = Integer.highestOneBit(Math.max(2, bound) * 2 - 1) << 1;
        this.table = new long[capacity * (v6 ? 3 : 2)];
        for (int at = 0; at < capacity; at++) {
          if (v6) {
            table[3 * at + 2] = EMPTY;
          } else {
            table[2 * at] = EMPTY_V4_KEY;
          }
        }
        this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
        this.mask = capacity - 1;
        this.head = new int[bound];
        this.sources = new Ranges[bound];
        this.link = new int[bound];
      }

      void add(long hi, long lo, Ranges source) {
        int entry = v6 ? findOrInsertV6(hi, lo) : findOrInsertV4(lo);
        sources[pairs] = source;
        link[pairs] = head[entry];
        head[entry] = pairs++;
        minRank = Math.min(minRank, source.minRank());
      }

      private int findOrInsertV4(long key) {
        int at = (int) ((key * MIX_1) >>> shift);
        while (table[2 * at] != EMPTY_V4_KEY) {
          if (table[2 * at] == key) {
            return (int) table[2 * at + 1];
          }
          at = (at + 1) & mask;
        }
        table[2 * at] = key;
        table[2 * at + 1] = entries;
        head[entries] = -1;
        return entries++;
      }

      private int findOrInsertV6(long hi, long lo) {
        int at = hashV6(hi, lo, shift);
        while (table[3 * at + 2] != EMPTY) {
          if (table[3 * at] == hi && table[3 * at + 1] == lo) {
            return (int) table[3 * at + 2];
          }
          at = (at + 1) & mask;
        }
        table[3 * at] = hi;
        table[3 * at + 1] = lo;
        table[3 * at + 2] = entries;
        head[entries] = -1;
        return entries++;
      }

      void encodeAll() {
        int stride = v6 ? 3 : 2;
        for (int at = 0; at <= mask; at++) {
          boolean used = v6 ? table[3 * at + 2] != EMPTY : table[2 * at] != EMPTY_V4_KEY;
          if (used) {
            int entry = (int) table[stride * at + stride - 1];
            table[stride * at + stride - 1] = encode(entry);
          }
        }
      }

      /**
       * The slot value of an entry: its painted intervals, packed inline when there is one, else
       * appended to the shared interval array. An entry with one source network reuses that
       * network's encoding, made once however many expanded copies share it.
       */
      private long encode(int entry) {
        int first = head[entry];
        if (link[first] < 0) {
          Ranges ranges = sources[first];
          if (!ranges.encoded) {
            ranges.value = Builder.this.encode(RankIntervals.paint(ranges.triples, ranges.count));
            ranges.encoded = true;
          }
          return ranges.value;
        }
        // Facts of several networks: put them back in rank order, as paint() requires.
        int count = 0;
        for (int p = first; p >= 0; p = link[p]) {
          count += sources[p].count;
        }
        int[] merged = new int[3 * count];
        int n = 0;
        for (int p = first; p >= 0; p = link[p]) {
          System.arraycopy(sources[p].triples, 0, merged, 3 * n, 3 * sources[p].count);
          n += sources[p].count;
        }
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
          order[i] = ((long) merged[3 * i + 2] << 32) | i;
        }
        Arrays.sort(order);
        int[] sorted = new int[3 * count];
        for (int i = 0; i < count; i++) {
          System.arraycopy(merged, 3 * (int) order[i], sorted, 3 * i, 3);
        }
        return Builder.this.encode(RankIntervals.paint(sorted, count));
      }
    }

    private long encode(int[] painted) {
      if (painted.length == 3) {
        return ((long) painted[2] << 32) | ((long) painted[0] << 16) | painted[1];
      }
      int count = painted.length / 3;
      multi.add(painted);
      long value = ~(((long) multiSize << 20) | count);
      multiSize += count;
      return value;
    }

    /**
     * Chooses, for each prefix length present, the length its networks are stored at: the fewest
     * target lengths such that the expanded entry count, sum of {@code count[l] * 2^(target(l) -
     * l)}, stays within {@code budget}; among plans with that many, the one with fewest entries.
     * A length is only ever expanded to a longer length that is present anyway. O(m^3) for m
     * lengths present.
     */
    static int[] plan(long[] counts, long budget) {
      int[] target = new int[counts.length];
      int[] present = new int[counts.length];
      int m = 0;
      for (int length = 0; length < counts.length; length++) {
        target[length] = length;
        if (counts[length] > 0) {
          present[m++] = length;
        }
      }
      if (m <= 1) {
        return target;
      }
      // cost[i][j]: entries when lengths present[i..j] all go to present[j].
      double[][] cost = new double[m][m];
      for (int j = 0; j < m; j++) {
        double sum = 0;
        for (int i = j; i >= 0; i--) {
          sum += counts[present[i]] * Math.scalb(1.0, present[j] - present[i]);
          cost[i][j] = sum;
        }
      }
      // best[k][j]: fewest entries covering present[0..j] with k targets, the last at present[j].
      double[][] best = new double[m + 1][m];
      int[][] previous = new int[m + 1][m];
      for (double[] row : best) {
        Arrays.fill(row, Double.POSITIVE_INFINITY);
      }
      for (int j = 0; j < m; j++) {
        best[1][j] = cost[0][j];
        previous[1][j] = -1;
      }
      int k = 1;
      while (best[k][m - 1] > budget) {
        k++;
        for (int j = k - 1; j < m; j++) {
          for (int p = k - 2; p < j; p++) {
            double c = best[k - 1][p] + cost[p + 1][j];
            if (c < best[k][j]) {
              best[k][j] = c;
              previous[k][j] = p;
            }
          }
        }
      }
      // k <= m always ends the loop: with every length its own target nothing is expanded.
      for (int j = m - 1; k >= 1; k--) {
        int p = previous[k][j];
        for (int i = p + 1; i <= j; i++) {
          target[present[i]] = present[j];
        }
        j = p;
      }
      return target;
    }

    // The same masks as Cidr's (package-private there); a Cidr's own bits are already masked.
    private static long hiMask(boolean v6, int length) {
      if (!v6 || length == 0) {
        return 0;
      }
      return length >= 64 ? -1L : -1L << (64 - length);
    }

    private static long loMask(boolean v6, int length) {
      if (!v6) {
        return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
      }
      return length <= 64 ? 0 : -1L << (128 - length);
    }
  }

  /**
   * A network as a build-time key. Its hash is mixed: network bits end in zeros, which the
   * default record hash would pass on to {@link HashMap}, crowding its buckets.
   */
  private record Net(long hi, long lo, int length) {
    @Override
    public int hashCode() {
      long h = (hi * MIX_1 + lo) * MIX_2 + length;
      return (int) (h ^ (h >>> 32));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Net && ((Net) o).hi == hi && ((Net) o).lo == lo && ((Net) o).length == length;
    }
  }

  /** The facts of one network: {@code lo, hi, rank} triples, and its encoding once made. */
  private static final class Ranges {
    final Net network;
    int[] triples = new int[3];
    int count;
    boolean encoded;
    long value;

    Ranges(Net network) {
      this.network = network;
    }

    void add(int lo, int hi, int rank) {
      if (3 * count == triples.length) {
        triples = Arrays.copyOf(triples, triples.length * 2);
      }
      triples[3 * count] = lo;
      triples[3 * count + 1] = hi;
      triples[3 * count + 2] = rank;
      count++;
    }

    /** Facts arrive in rank order, so the first is the lowest. */
    int minRank() {
      return triples[2];
    }
  }
}
