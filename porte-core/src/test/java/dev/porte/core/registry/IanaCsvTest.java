package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortRange;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The traps of IANA's CSV, on small files written here. */
class IanaCsvTest {
  private static final String HEADER =
      "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
          + "Registration Date,Modification Date,Reference,Service Code,"
          + "Unauthorized Use Reported,Assignment Notes\n";

  private static IanaRegistry parse(String csv) {
    return IanaRegistry.parse(new StringReader(csv), "test.csv");
  }

  @Test
  void readsTheTrapsOfTheRealFile() {
    IanaRegistry iana =
        parse(
            HEADER
                + ",0,tcp,Reserved,[Jon_Postel],[Jon_Postel],,,,,,\n"
                + "whoispp,63,tcp,\"whois++ a \"\"well-formed\"\" name\",,,,,,,,\n"
                + "whois++,63,tcp,whois++,,,,,,,,\"This entry is an alias to \"\"whoispp\"\".\n"
                + "This entry is now historic.\"\n"
                + "x11,6000-6063,tcp,X Window System,,,,,,,,\n"
                + "boe-cms,6400,,\"Business Objects\n"
                + "      CMS contact port\",,,,,,,,\n"
                + "zeromq,,udp,No port,,,,,,,,\n"
                + ",81,,Unassigned,,,,,,,,\n"
                + "short,82,udp,Trailing fields left out\n");
    assertThat(iana.rowCount()).isEqualTo(8);
    assertThat(iana.size()).isEqualTo(7);
    assertThat(iana.namedCount()).isEqualTo(5);
    assertThat(iana.byName("whoispp").get(0).description())
        .isEqualTo("whois++ a \"well-formed\" name");
    assertThat(iana.byName("whois++").get(0).alias()).isTrue();
    assertThat(iana.byPort(63)).extracting(IanaEntry::name).containsExactly("whoispp", "whois++");
    assertThat(iana.byPort(6001).get(0).ports()).isEqualTo(new PortRange(6000, 6063));
    assertThat(iana.byName("boe-cms").get(0))
        .isEqualTo(
            new IanaEntry("boe-cms", PortRange.of(6400), "", "Business Objects CMS contact port", false));
    assertThat(iana.isRegisteredName("zeromq")).isFalse();
    assertThat(iana.isRegisteredWithoutPort("ZeroMQ")).isTrue();
    assertThat(iana.byPort(81).get(0).named()).isFalse();
    assertThat(iana.byName("short").get(0).alias()).isFalse();
  }

  @Test
  void findsColumnsByHeaderNameInAnyOrder() {
    IanaRegistry iana =
        parse(
            "Assignment Notes,Transport Protocol,Description,Port Number,Service Name\n"
                + ",udp,Network Time Protocol,123,ntp\n");
    assertThat(iana.byPort(123))
        .containsExactly(
            new IanaEntry("ntp", PortRange.of(123), "udp", "Network Time Protocol", false));
  }

  @Test
  void anAliasNoteInTheDescriptionCounts() {
    IanaRegistry iana = parse(HEADER + "old,7,tcp,This entry is an alias to new,,,,,,,,\n");
    assertThat(iana.byName("old").get(0).alias()).isTrue();
  }

  @Test
  void blankTrailingLinesAreNotRows() {
    IanaRegistry iana = parse(HEADER + "echo,7,tcp,Echo,,,,,,,,\n\n\n");
    assertThat(iana.rowCount()).isEqualTo(1);
    assertThat(iana.size()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "echo,7x,tcp,Echo | test.csv line 2: bad port '7x' for 'echo': not a port number: '7x'",
        "echo,70000,tcp,Echo | test.csv line 2: bad port '70000' for 'echo': port out of range: 70000",
        "echo,9-7,tcp,Echo | test.csv line 2: bad port '9-7' for 'echo': port range is reversed: 9-7",
        ",07,tcp,Echo | test.csv line 2: bad port '07' for an unnamed row: port with a leading zero",
        "echo,7,quic,Echo | test.csv line 2: unknown transport 'quic' for 'echo' (valid: tcp, udp, sctp, dccp or empty)",
      })
  void badRowsAreRefusedWithTheirLine(String row, String message) {
    assertThatThrownBy(() -> parse(HEADER + row + "\n"))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((PorteException) e).code())
        .isEqualTo(ErrorCode.SYNTAX);
  }

  @Test
  void theLineOfABadRowCountsTheLinesOfQuotedFieldsBeforeIt() {
    assertThatThrownBy(
            () -> parse(HEADER + "a,1,tcp,\"two\nlines\",,,,,,,,\nb,x,tcp,B,,,,,,,,\n"))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith("test.csv line 4: bad port 'x' for 'b'");
  }

  @Test
  void aMissingColumnIsNamed() {
    assertThatThrownBy(() -> parse("Service Name,Port Number,Description\nssh,22,SSH\n"))
        .isInstanceOf(PorteException.class)
        .hasMessageContaining("test.csv line 1: no column 'Transport Protocol' in the header")
        .hasMessageContaining("expected IANA's columns");
  }

  @Test
  void anEmptyFileIsRefused() {
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(PorteException.class)
        .hasMessage("test.csv: empty file (expected IANA's CSV)");
  }

  @Test
  void anUnclosedQuoteIsACsvError() {
    assertThatThrownBy(() -> parse(HEADER + "a,1,tcp,\"never closed\n"))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith("test.csv: not readable as CSV:");
  }

  @ParameterizedTest
  @CsvSource({"0, 0, 0", "80, 80, 80", "6000-6063, 6000, 6063", "65535, 65535, 65535"})
  void readsPortsAndRanges(String text, int lo, int hi) {
    assertThat(IanaCsv.ports(text)).isEqualTo(new PortRange(lo, hi));
  }

  @ParameterizedTest
  @CsvSource({"''", "-", "80-", "-80", "080", "65536", "9-7", "8a", "1 2", "123456"})
  void leavesOddPortsToThePreciseParser(String text) {
    assertThat(IanaCsv.ports(text)).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "MySQL|MySQL",
        "'  two  spaces '|two spaces",
        "a\\n      b|a b",
        "a\\tb|a b",
        "''|''",
      })
  void foldsWhiteSpace(String text, String folded) {
    assertThat(IanaCsv.fold(text.replace("\\n", "\n").replace("\\t", "\t"))).isEqualTo(folded);
  }
}
