package dev.porte.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A seeded source of random test data with weighted choices: the generator behind porte's
 * property tests. A failing case is reproduced from its seed, which every failure message names.
 * Not thread-safe; one per test case.
 */
public final class Gen {
  private final SplittableRandom random;

  public Gen(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The base seed of a run: {@code -Dporte.seed=N} replays one, otherwise a fresh one each run. */
  public static long baseSeed() {
    String fixed = System.getProperty("porte.seed");
    return fixed != null ? Long.parseLong(fixed) : System.nanoTime();
  }

  public int between(int lo, int hi) {
    return random.nextInt(lo, hi + 1);
  }

  public int nextInt() {
    return random.nextInt();
  }

  public long nextLong() {
    return random.nextLong();
  }

  /** True with probability {@code p}. */
  public boolean chance(double p) {
    return random.nextDouble() < p;
  }

  @SafeVarargs
  public final <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  public <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  public int pick(int[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** One of the suppliers, chosen with the weights given before each: {@code oneOf(3, a, 1, b)}. */
  @SuppressWarnings("unchecked")
  public <T> T oneOf(Object... weightsAndSuppliers) {
    int total = 0;
    for (int i = 0; i < weightsAndSuppliers.length; i += 2) {
      total += (Integer) weightsAndSuppliers[i];
    }
    int roll = random.nextInt(total);
    for (int i = 0; i < weightsAndSuppliers.length; i += 2) {
      roll -= (Integer) weightsAndSuppliers[i];
      if (roll < 0) {
        return ((Supplier<T>) weightsAndSuppliers[i + 1]).get();
      }
    }
    throw new AssertionError("weights must be positive");
  }

  public <T> List<T> list(int min, int max, Supplier<T> item) {
    int size = between(min, max);
    List<T> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(item.get());
    }
    return out;
  }
}
