package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import dev.porte.core.testing.Gen;
import java.util.stream.LongStream;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpellingTest {
  @ParameterizedTest(name = "{0} ~ {1} = {3}")
  @CsvSource({
    "ssh,     ssh,     2, 0",
    "htp,     http,    2, 1", // insertion
    "https,   http,    2, 1", // deletion
    "ftp,     ntp,     2, 1", // substitution
    "shs,     ssh,     2, 1", // neighbours swapped: one edit, not two
    "domian,  domain,  2, 1",
    "kitten,  sitting, 3, 3",
    "kitten,  sitting, 2, 3", // more than the limit: limit + 1
    "a,       abcdef,  2, 3", // cut off by length alone
    "'',      abc,     3, 3",
  })
  void distance(String a, String b, int limit, int expected) {
    assertThat(Spelling.distance(a, b, limit)).isEqualTo(expected);
    assertThat(Spelling.distance(b, a, limit)).isEqualTo(expected);
  }

  static LongStream seeds() {
    long base = Gen.baseSeed();
    return LongStream.range(0, 200).map(i -> base + i);
  }

  /** The cut-off never changes a distance within the limit (checked against the plain table). */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void cutOffAgreesWithTheFullTable(long seed) {
    Gen gen = new Gen(seed);
    String a = word(gen);
    String b = word(gen);
    int full = Spelling.distance(a, b, 20);
    for (int limit = 0; limit <= 3; limit++) {
      assertThat(Spelling.distance(a, b, limit)).as("'%s' vs '%s' (seed %d)", a, b, seed).isEqualTo(Math.min(full, limit + 1));
    }
  }

  private static String word(Gen gen) {
    StringBuilder out = new StringBuilder();
    int length = gen.between(0, 8);
    for (int i = 0; i < length; i++) {
      // A small alphabet, so that the two words share letters and edits matter.
      out.append(gen.pick('a', 'b', 'c', 'd', 'E', 'e'));
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "htp     | ftp,ntp,http,hap          | http,hap,ftp", // same first letter first
        "postgre | postgresql,pop2,postgres  | postgres,postgresql", // edits before prefixes
        "ela     | elasticsearch,eli         | eli,elasticsearch",
        "HTP     | HTTP                      | HTTP", // case-blind, spelled as the candidate
        "ssh     | ssh,SSH,sshell            | sshell", // never the input itself
        "zzzz    | ssh,http                  | ''",
      })
  void closestRanksEditsThenFirstLetterThenCallerOrder(
      String input, String candidates, String expected) {
    List<String> closest = Spelling.closest(input, List.of(candidates.split(",")), 3);
    assertThat(String.join(",", closest)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, ''", "1, http", "2, 'http,hap'"})
  void closestKeepsToMax(int max, String expected) {
    assertThat(String.join(",", Spelling.closest("htp", List.of("http", "hap", "ftp"), max)))
        .isEqualTo(expected);
  }
}
