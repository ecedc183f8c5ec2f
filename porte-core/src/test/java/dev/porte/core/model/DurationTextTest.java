package dev.porte.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationTextTest {
  private static final Duration DAY = Duration.ofDays(1);

  @ParameterizedTest
  @CsvSource({"300, 300000", "300s, 300000", "5m, 300000", "1h, 3600000", "1d, 86400000", "500ms, 500", "1ms, 1",
      "' 30S ', 30000", "0, 0"})
  void readsTheFormsOperatorsWrite(String text, long millis) {
    assertThat(DurationText.parse("--x", text, Duration.ZERO, DAY)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({"5x", "1.5s", "-3", "s", "''", "1m30s", "9999999999"})
  void refusesWhatIsNoDurationAndSaysWhatIs(String text) {
    assertThatThrownBy(() -> DurationText.parse("--idle-timeout", text, Duration.ZERO, DAY))
        .isInstanceOf(PorteException.class)
        .hasMessage("--idle-timeout '" + text + "' is not a duration (valid: " + DurationText.FORMS + ")")
        .satisfies(e -> assertThat(((PorteException) e).code()).isEqualTo(ErrorCode.INVALID_VALUE));
  }

  @Test
  void theBoundsAreInclusiveAndTheErrorQuotesTheValueAsWritten() {
    assertThat(DurationText.parse("--x", "24h", Duration.ofSeconds(1), DAY)).isEqualTo(DAY);
    assertThatThrownBy(() -> DurationText.parse("--x", "1441m", Duration.ofSeconds(1), DAY))
        .hasMessage("--x 1441m is out of range (valid: 1s to 1d)");
    assertThatThrownBy(() -> DurationText.parse("--x", "999ms", Duration.ofSeconds(1), DAY))
        .hasMessage("--x 999ms is out of range (valid: 1s to 1d)");
  }

  @ParameterizedTest
  @CsvSource({"0, 0s", "500, 500ms", "1500, 1500ms", "25000, 25s", "300000, 5m", "5400000, 90m", "7200000, 2h",
      "86400000, 1d"})
  void writesADurationInTheLargestWholeUnit(long millis, String text) {
    assertThat(DurationText.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
