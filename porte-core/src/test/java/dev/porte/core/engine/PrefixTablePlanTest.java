package dev.porte.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which prefix lengths the builder expands into which (controlled prefix expansion). Networks:
 * {@code length:count}; plan: {@code length>target} for every length present.
 */
class PrefixTablePlanTest {

  @ParameterizedTest(name = "{0} within {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
      # One length: nothing to do.
      24:1000                    | 10     | 24>24
      # A /8 becomes 256 /16s: within budget, so one table instead of two.
      8:1 16:1                   | 1030   | 8>16 16>16
      # 0.0.0.0/0 as 2^32 /32s: never.
      0:1 32:1                   | 1030   | 0>0 32>32
      # 100 /24s as 25,600 /32s: over budget.
      24:100 32:100              | 1624   | 24>24 32>32
      # Nibble steps of IPv6 cost 16 times each.
      60:1 64:1                  | 17     | 60>64 64>64
      60:1 64:1                  | 16     | 60>60 64>64
      48:1 64:1                  | 1030   | 48>48 64>64
      # The cheap merge is taken, the dear one left: 8 into 9 costs 20, 9 into 30 millions.
      8:10 9:10 30:10            | 100    | 8>9 9>9 30>30
      # Totals: as is 250; 13 into 14 300; 12 into 13 350; all into 14 600.
      12:100 13:50 14:100        | 299    | 12>12 13>13 14>14
      12:100 13:50 14:100        | 349    | 12>12 13>14 14>14
      12:100 13:50 14:100        | 600    | 12>14 13>14 14>14
      """)
  void plans(String networks, long budget, String expected) {
    long[] counts = new long[129];
    for (String part : networks.trim().split("\\s+")) {
      String[] lengthCount = part.split(":");
      counts[Integer.parseInt(lengthCount[0])] = Long.parseLong(lengthCount[1]);
    }
    int[] target = PrefixTable.Builder.plan(counts, budget);
    Map<Integer, Integer> plan = new TreeMap<>();
    for (int length = 0; length < counts.length; length++) {
      if (counts[length] > 0) {
        plan.put(length, target[length]);
      }
    }
    StringBuilder out = new StringBuilder();
    plan.forEach((from, to) -> out.append(out.length() == 0 ? "" : " ").append(from).append('>').append(to));
    assertThat(out.toString()).isEqualTo(expected);
  }
}
