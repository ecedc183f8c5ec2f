package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
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

  /** The cut-off never changes a distance within the limit (checked against the plain table). */
  @Property
  void cutOffAgreesWithTheFullTable(
      @ForAll @AlphaChars @StringLength(max = 8) String a,
      @ForAll @AlphaChars @StringLength(max = 8) String b) {
    int full = Spelling.distance(a, b, 20);
    for (int limit = 0; limit <= 3; limit++) {
      assertThat(Spelling.distance(a, b, limit)).isEqualTo(Math.min(full, limit + 1));
    }
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
