package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.Port;
import dev.porte.core.model.PortRange;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bundled IANA registry, read for real. */
class IanaRegistryTest {
  private static final IanaRegistry IANA = IanaRegistry.load();

  @Test
  void loadsOncePerJvm() {
    assertThat(IanaRegistry.load()).isSameAs(IANA);
  }

  /**
   * Pinned counts of the 2025-02-17 file (update them with IANA-REGISTRY.md on a refresh). The data
   * README's "13,402 named rows" counts physical lines that start with a name, continuation lines
   * of multi-line fields among them; a CSV parser finds 12,755 named rows, of which 11,716 have a
   * port (the other 1,039 are DNS-SD names without one).
   */
  @Test
  void holdsEveryRowWithAPort() {
    assertThat(IANA.rowCount()).isEqualTo(14_447);
    assertThat(IANA.size()).isEqualTo(13_408);
    assertThat(IANA.namedCount()).isEqualTo(11_716);
    assertThat(IANA.entries()).hasSize(IANA.size());
    assertThat(IANA.names()).hasSizeGreaterThan(6_000);
  }

  @ParameterizedTest(name = "port {0} is {1} first")
  @CsvSource({
    "3306,  mysql,      tcp",
    "443,   https,      tcp",
    "22,    ssh,        tcp",
    "80,    http,       tcp",
    "53,    domain,     tcp",
    "6000,  x11,        tcp",
    "6010,  x11,        tcp",
    "6063,  x11,        tcp",
    "63,    whoispp,    tcp", // primary before its alias whois++
    "66,    sql-net,    tcp", // primary before sql*net
    "512,   exec,       tcp", // exec is tcp only, biff udp only
    "3097,  itu-bicc-stc, sctp",
    "6400,  boe-cms,    ''",
  })
  void firstNameOfAPort(int port, String name, String transport) {
    IanaEntry first = IANA.byPort(port).get(0);
    assertThat(first.name()).isEqualTo(name);
    assertThat(first.transport()).isEqualTo(transport);
    assertThat(first.alias()).isFalse();
    assertThat(first.ports().contains(port)).isTrue();
  }

  @Test
  void port80ListsHttpThenItsAliases() {
    List<IanaEntry> rows = IANA.byPort(80);
    assertThat(rows)
        .extracting(e -> e.name() + "/" + e.transport() + (e.alias() ? " alias" : ""))
        .containsExactly(
            "http/tcp",
            "http/udp",
            "http/sctp",
            "www/tcp alias",
            "www/udp alias",
            "www-http/tcp alias",
            "www-http/udp alias");
  }

  @Test
  void x11RangeCoversItsPorts() {
    IanaEntry x11 = IANA.byPort(6010).get(0);
    assertThat(x11.ports()).isEqualTo(new PortRange(6000, 6063));
    assertThat(IANA.byPort(5999)).noneMatch(e -> e.name().equals("x11"));
    assertThat(IANA.byPort(6064)).noneMatch(e -> e.name().equals("x11"));
  }

  @ParameterizedTest(name = "port {0}: only \"{1}\" rows")
  @CsvSource({
    "0,    Reserved,   2",
    "81,   Unassigned, 1",
    "1024, Reserved,   2",
  })
  void unnamedRowsOnlyWhereNothingIsNamed(int port, String description, int count) {
    assertThat(IANA.byPort(port))
        .hasSize(count)
        .allSatisfy(
            e -> {
              assertThat(e.named()).isFalse();
              assertThat(e.description()).isEqualTo(description);
            });
  }

  @ParameterizedTest
  @CsvSource({"49152", "50000", "65535"})
  void dynamicPortsAreNotInTheRegistry(int port) {
    assertThat(IANA.byPort(port)).isEmpty();
  }

  /**
   * The index against its definition, for every port: exactly the rows that cover it (named ones,
   * or the unnamed ones where none is named), primary names before aliases, and one name's rows
   * tcp before udp before the others. The expected counts come from a plain walk over the rows.
   */
  @Test
  void everyPortListsExactlyTheRowsThatCoverIt() {
    int[] named = new int[Port.MAX + 1];
    int[] unnamed = new int[Port.MAX + 1];
    for (IanaEntry e : IANA.entries()) {
      for (int p = e.ports().lo(); p <= e.ports().hi(); p++) {
        if (e.named()) {
          named[p]++;
        } else {
          unnamed[p]++;
        }
      }
    }
    for (int port = Port.MIN; port <= Port.MAX; port++) {
      List<IanaEntry> rows = IANA.byPort(port);
      int expected = named[port] > 0 ? named[port] : unnamed[port];
      assertThat(rows).as("port %d", port).hasSize(expected);
      for (int i = 0; i < rows.size(); i++) {
        IanaEntry b = rows.get(i);
        assertThat(b.ports().contains(port)).as("port %d: %s", port, b).isTrue();
        if (i == 0) {
          continue;
        }
        IanaEntry a = rows.get(i - 1);
        assertThat(!a.alias() || b.alias()).as("port %d: %s before %s", port, a, b).isTrue();
        if (a.name().equals(b.name()) && a.ports().equals(b.ports())) {
          assertThat(IanaEntry.transportRank(a.transport()))
              .as("port %d: %s before %s", port, a, b)
              .isLessThanOrEqualTo(IanaEntry.transportRank(b.transport()));
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"MySQL", "mysql", "MYSQL"})
  void byNameIgnoresCase(String name) {
    assertThat(IANA.byName(name))
        .extracting(e -> e.name() + " " + e.ports() + "/" + e.transport())
        .containsExactly("mysql 3306/tcp", "mysql 3306/udp");
  }

  @ParameterizedTest
  @CsvSource({
    "compressnet, '2/tcp,3/tcp,2/udp,3/udp'",
    "http,        '80/tcp,80/udp,80/sctp'",
    "cl/1,        '172/tcp,172/udp'",
    "biff,        '512/udp'",
  })
  void byNameListsTcpThenUdpThenOthersByPort(String name, String rows) {
    assertThat(IANA.byName(name))
        .extracting(e -> e.ports() + "/" + e.transport())
        .containsExactly(rows.split(","));
  }

  @Test
  void quotedMultiLineDescriptionIsOneRowFoldedOntoOneLine() {
    assertThat(IANA.byName("nexgen-aux"))
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(e.description())
                    .isEqualTo(
                        "Secondary, (non ANDI) multi-protocol multi-function interface to the"
                            + " Allied ANDI-based family of forecourt controllers"));
    assertThat(IANA.byPort(6630)).extracting(IanaEntry::description).containsExactly("Unassigned");
  }

  @Test
  void doubledQuotesReadAsOneQuote() {
    assertThat(IANA.byName("whoispp").get(0).description())
        .isEqualTo(
            "whois++ IANA assigned this well-formed service name as a replacement for"
                + " \"whois++\".");
  }

  @ParameterizedTest
  @CsvSource({
    "whois++,  true",
    "whoispp,  false",
    "www,      true",
    "www-http, true",
    "http,     false",
    "alias,    false", // a service called "Alias Service" is not an alias
  })
  void aliasRowsAreMarked(String name, boolean alias) {
    assertThat(IANA.byName(name)).isNotEmpty().allMatch(e -> e.alias() == alias);
  }

  @ParameterizedTest
  @CsvSource({
    "http,         'tcp,udp,sctp'",
    "domain,       'tcp,udp'",
    "itu-bicc-stc, 'sctp'",
    "discard,      'tcp,udp,sctp,dccp'",
    "boe-cms,      ''",
    "no-such-name, ''",
  })
  void transportsOfAName(String name, String transports) {
    assertThat(String.join(",", IANA.transportsOf(name))).isEqualTo(transports);
  }

  @ParameterizedTest
  @CsvSource({
    "http,         true",
    "HTTP,         true",
    "x11,          true",
    "zeromq,       false", // registered for DNS-SD without a port
    "no-such-name, false",
  })
  void registeredNames(String name, boolean registered) {
    assertThat(IANA.isRegisteredName(name)).isEqualTo(registered);
  }

  @Test
  void namesWithoutAPortAreKnownAsSuch() {
    assertThat(IANA.isRegisteredWithoutPort("zeromq")).isTrue();
    assertThat(IANA.isRegisteredWithoutPort("http")).isFalse();
    assertThat(IANA.isRegisteredWithoutPort("no-such-name")).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "htp,     http",
    "shs,     ssh", // two letters swapped
    "mysq,    mysql",
    "MySQ,    mysql",
    "postgre, postgresql", // a prefix
    "domian,  domain",
    "htps,    https",
  })
  void suggestsCloseNamesFirst(String misspelled, String first) {
    assertThat(IANA.suggest(misspelled, 3)).hasSizeBetween(1, 3).first().isEqualTo(first);
  }

  @ParameterizedTest
  @CsvSource({"zzzzqqqq, 3", "http, 0", "'', 3", "x, 3"})
  void suggestsNothingForFarOrEmptyInputOrNoRoom(String misspelled, int max) {
    assertThat(IANA.suggest(misspelled, max)).isEmpty();
  }

  @Test
  void suggestionsNeverRepeatTheInput() {
    assertThat(IANA.suggest("http", 5)).doesNotContain("http").contains("https");
  }

  @ParameterizedTest
  @CsvSource({
    "65536, 'port out of range: 65536 (valid: 0-65535)'",
    "-1,    'port out of range: -1 (valid: 0-65535)'",
  })
  void byPortRefusesNonPorts(int port, String message) {
    assertThatThrownBy(() -> IANA.byPort(port))
        .isInstanceOf(PorteException.class)
        .hasMessage(message)
        .extracting(e -> ((PorteException) e).code())
        .isEqualTo(ErrorCode.INVALID_PORT);
  }

  @Test
  void listsAreUnmodifiable() {
    assertThat(IANA.byPort(80)).isUnmodifiable();
    assertThat(IANA.byName("http")).isUnmodifiable();
    assertThat(IANA.transportsOf("http")).isUnmodifiable();
    assertThat(IANA.entries()).isUnmodifiable();
  }
}
