package dev.porte.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The port → minimal rank step function of one network. Ranges: {@code lo-hi:rank}, in rank order. */
class RankIntervalsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
      22-22:0                          | 22-22:0
      0-65535:3                        | 0-65535:3
      # The lower rank keeps its ports; the later one only fills around it.
      1000-2000:0 1500-1500:1          | 1000-2000:0
      1500-1500:0 1000-2000:1          | 1000-1499:1 1500-1500:0 1501-2000:1
      # Equal ranks that touch merge into one interval; a gap keeps them apart.
      10-19:4 20-29:4                  | 10-29:4
      10-19:4 21-29:4                  | 10-19:4 21-29:4
      # Overlaps on both sides, and a range wholly covered.
      100-200:0 50-150:1 150-300:2 120-130:3 | 50-99:1 100-200:0 201-300:2
      0-0:0 65535-65535:0 0-65535:1    | 0-0:0 1-65534:1 65535-65535:0
      5-5:2 5-5:2                      | 5-5:2
      """)
  void paints(String ranges, String expected) {
    String[] parts = ranges.trim().split("\\s+");
    int[] triples = new int[3 * parts.length];
    for (int i = 0; i < parts.length; i++) {
      String[] loHiRank = parts[i].split("[-:]");
      triples[3 * i] = Integer.parseInt(loHiRank[0]);
      triples[3 * i + 1] = Integer.parseInt(loHiRank[1]);
      triples[3 * i + 2] = Integer.parseInt(loHiRank[2]);
    }
    int[] painted = RankIntervals.paint(triples, parts.length);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < painted.length; i += 3) {
      out.append(i == 0 ? "" : " ").append(painted[i]).append('-').append(painted[i + 1]).append(':').append(painted[i + 2]);
    }
    assertThat(out.toString()).as("painted %s", Arrays.toString(triples)).isEqualTo(expected);
  }
}
