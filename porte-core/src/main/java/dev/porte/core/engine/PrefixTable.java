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
 * <p>Layout: for each distinct prefix length present, an open-addressing hash table (linear
 * probing, load factor at most 1/2) keyed by the network bits. Its value describes the ports of
 * that exact network as a step function port → minimal rank (see {@link RankIntervals}), either
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
  /** The value of an empty slot; never a valid encoded value. */
  static final long EMPTY = Long.MIN_VALUE;

  private static final long EMPTY_V4_KEY = -1L;
  private static final long MIX_1 = 0x9E37_79B9_7F4A_7C15L;
  private static final long MIX_2 = 0xC2B2_AE3D_27D4_EB4FL;

  private final boolean v6;
  /** Prefix lengths present, ordered by {@link #minRanks} ascending. */
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
   */
  static final class Builder {
    private final boolean v6;
    private final int maxPort;
    private final Map<Cidr, Ranges> byNetwork = new HashMap<>();

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
      byNetwork.computeIfAbsent(network, k -> new Ranges()).add(lo, Math.min(hi, maxPort), rank);
    }

    PrefixTable build() {
      List<List<Map.Entry<Cidr, Ranges>>> byLength = new ArrayList<>();
      for (int length = 0; length <= 128; length++) {
        byLength.add(null);
      }
      for (Map.Entry<Cidr, Ranges> entry : byNetwork.entrySet()) {
        int length = entry.getKey().prefix();
        if (byLength.get(length) == null) {
          byLength.set(length, new ArrayList<>());
        }
        byLength.get(length).add(entry);
      }
      List<int[]> multi = new ArrayList<>();
      int multiSize = 0;
      List<Level> levels = new ArrayList<>();
      for (int length = 0; length <= 128; length++) {
        List<Map.Entry<Cidr, Ranges>> networks = byLength.get(length);
        if (networks == null) {
          continue;
        }
        int capacity = Integer.highestOneBit(Math.max(2, networks.size()) * 2 - 1) << 1;
        int stride = v6 ? 3 : 2;
        long[] table = new long[capacity * stride];
        for (int at = 0; at < capacity; at++) {
          if (v6) {
            table[3 * at + 2] = EMPTY;
          } else {
            table[2 * at] = EMPTY_V4_KEY;
          }
        }
        int shift = 64 - Integer.numberOfTrailingZeros(capacity);
        int minRank = DecisionEngine.NONE;
        for (Map.Entry<Cidr, Ranges> entry : networks) {
          Ranges ranges = entry.getValue();
          minRank = Math.min(minRank, ranges.minRank());
          int[] painted = RankIntervals.paint(ranges.triples, ranges.count);
          long value;
          if (painted.length == 3) {
            value = ((long) painted[2] << 32) | ((long) painted[0] << 16) | painted[1];
          } else {
            int count = painted.length / 3;
            value = ~(((long) multiSize << 20) | count);
            multi.add(painted);
            multiSize += count;
          }
          insert(table, capacity - 1, shift, entry.getKey(), value);
        }
        levels.add(new Level(length, minRank, table, shift));
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
        Level level = levels.get(i);
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

    private void insert(long[] table, int mask, int shift, Cidr network, long value) {
      if (v6) {
        int at = hashV6(network.hi(), network.lo(), shift);
        while (table[3 * at + 2] != EMPTY) {
          at = (at + 1) & mask;
        }
        table[3 * at] = network.hi();
        table[3 * at + 1] = network.lo();
        table[3 * at + 2] = value;
      } else {
        long key = network.lo();
        int at = (int) ((key * MIX_1) >>> shift);
        while (table[2 * at] != EMPTY_V4_KEY) {
          at = (at + 1) & mask;
        }
        table[2 * at] = key;
        table[2 * at + 1] = value;
      }
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

  private static final class Level {
    final int length;
    final int minRank;
    final long[] table;
    final int shift;

    Level(int length, int minRank, long[] table, int shift) {
      this.length = length;
      this.minRank = minRank;
      this.table = table;
      this.shift = shift;
    }
  }

  /** A growable list of {@code lo, hi, rank} triples for one network. */
  private static final class Ranges {
    int[] triples = new int[3];
    int count;

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
