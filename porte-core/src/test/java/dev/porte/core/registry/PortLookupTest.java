package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortClass;
import dev.porte.core.model.PortRange;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code porte port X} shows. */
class PortLookupTest {
  private static final PortLookup LOOKUP = PortLookup.standard();

  private static String show(String query) {
    return PortLookup.render(LOOKUP.lookup(query));
  }

  @Test
  void aPortNumberGivesOneReport() {
    List<PortReport> reports = LOOKUP.lookup("3306");
    assertThat(reports).hasSize(1);
    PortReport mysql = reports.get(0);
    assertThat(mysql.port()).isEqualTo(3306);
    assertThat(mysql.portClass()).isEqualTo(PortClass.REGISTERED);
    assertThat(mysql.entries()).extracting(IanaEntry::transport).containsExactly("tcp", "udp");
    assertThat(mysql.catalogue()).map(CatalogueService::name).hasValue("mysql");
  }

  @Test
  void rendersMysql() {
    assertThat(show("3306"))
        .isEqualTo(
            "3306  registered (1024-49151)\n"
                + "  mysql        tcp, udp   MySQL\n"
                + "  catalogue:   mysql = 3306/tcp (database)");
  }

  @Test
  void rendersHttpWithItsAliasesMarked() {
    assertThat(show("80"))
        .isEqualTo(
            "80  well-known (0-1023)\n"
                + "  http         tcp, udp, sctp   World Wide Web HTTP\n"
                + "  www          tcp, udp         World Wide Web HTTP (alias)\n"
                + "  www-http     tcp, udp         World Wide Web HTTP (alias)\n"
                + "  catalogue:   http = 80/tcp (also: www)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0     | 0  well-known (0-1023)\\n  no service: Reserved (tcp, udp)",
        "81    | 81  well-known (0-1023)\\n  no service: Unassigned",
        "50000 | 50000  dynamic (49152-65535)\\n  nothing registered (dynamic ports are never"
            + " assigned by IANA)",
        "6400  | 6400  registered (1024-49151)\\n  boe-cms      -          Business Objects CMS"
            + " contact port",
        "22    | 22  well-known (0-1023)\\n  ssh          tcp, udp, sctp   The Secure Shell (SSH)"
            + " Protocol\\n  catalogue:   ssh = 22/tcp (admin)",
        "172   | 172  well-known (0-1023)\\n  cl-1         tcp, udp   Network Innovations CL/1 IANA"
            + " assigned this well-formed ser…\\n  cl/1         tcp, udp   Network Innovations CL/1"
            + " (alias)",
      })
  void renders(String query, String text) {
    assertThat(show(query)).isEqualTo(text.replace("\\n", "\n"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "mysql,    3306",
    "MySQL,    3306",
    "dns,      53",
    "oracle,   '1521,2005'", // the catalogue's port and IANA's
    "http-alt, '591,8008,8080'",
    "etcd,     '2379,2380'",
    "3com-tsmux, 106", // a name that starts with a digit
    "cl/1,     172",
  })
  void aNameGivesAReportPerPort(String name, String ports) {
    assertThat(LOOKUP.lookup(name))
        .extracting(r -> String.valueOf(r.port()))
        .containsExactly(ports.split(","));
  }

  @Test
  void aRangeGivesEveryPortOfIt() {
    assertThat(LOOKUP.lookup("x11"))
        .extracting(PortReport::port)
        .containsExactlyElementsOf(IntStream.rangeClosed(6000, 6063).boxed().toList());
  }

  @Test
  void severalReportsAreSeparatedByABlankLine() {
    assertThat(show("etcd"))
        .isEqualTo(
            "2379  registered (1024-49151)\n"
                + "  etcd-client  tcp        etcd client communication\n"
                + "  catalogue:   etcd = 2379-2380/tcp (database)\n"
                + "\n"
                + "2380  registered (1024-49151)\n"
                + "  etcd-server  tcp        etcd server to server communication\n"
                + "  catalogue:   etcd = 2379-2380/tcp (database)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "65536   | INVALID_PORT    | port out of range: 65536 (valid: 0-65535)",
        "-1      | INVALID_PORT    | port out of range: -1 (valid: 0-65535)",
        "99999999| INVALID_PORT    | not a port number: '99999999' (valid: 0-65535)",
        "+80     | INVALID_PORT    | not a port number: '+80' (valid: 0-65535)",
        "080     | INVALID_PORT    | port with a leading zero: '080' (write it without: 80)",
        "htp     | UNKNOWN_SERVICE | unknown service: 'htp' (not in porte's catalogue or the IANA"
            + " registry; did you mean http",
        "zzzzqqqq| UNKNOWN_SERVICE | unknown service: 'zzzzqqqq' (not in porte's catalogue or the"
            + " IANA registry)",
        "zeromq  | UNKNOWN_SERVICE | service 'zeromq' has no port in the IANA registry",
        "'  '    | INVALID_VALUE   | empty port lookup: '  ' (write a port such as 3306 or a name"
            + " such as mysql)",
      })
  void refuses(String query, ErrorCode code, String message) {
    assertThatThrownBy(() -> LOOKUP.lookup(query))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((PorteException) e).code())
        .isEqualTo(code);
  }

  @Test
  void reportRefusesNonPorts() {
    assertThatThrownBy(() -> LOOKUP.report(70000))
        .isInstanceOf(PorteException.class)
        .hasMessage("port out of range: 70000 (valid: 0-65535)");
  }

  @Test
  void aBusyPortShowsTenNamesAndCountsTheRest() {
    StringBuilder csv =
        new StringBuilder("Service Name,Port Number,Transport Protocol,Description,Assignment Notes\n");
    for (int i = 1; i <= 13; i++) {
      csv.append("svc").append(i).append(",7000,tcp,Service ").append(i).append('\n');
      csv.append("svc").append(i).append(",7000,udp,Service ").append(i).append('\n');
    }
    IanaRegistry iana = IanaRegistry.parse(new StringReader(csv.toString()), "test.csv");
    PortLookup lookup = new PortLookup(ServiceCatalogue.load(), () -> iana);
    String text = lookup.report(7000).render();
    assertThat(text.lines())
        .hasSize(1 + 10 + 1)
        .contains("  svc1         tcp, udp   Service 1", "  svc10        tcp, udp   Service 10")
        .doesNotContain("  svc11        tcp, udp   Service 11")
        .endsWith("  … and 3 more");
  }

  @Test
  void longNamesWidenTheColumns() {
    IanaRegistry iana =
        IanaRegistry.parse(
            new StringReader(
                "Service Name,Port Number,Transport Protocol,Description,Assignment Notes\n"
                    + "a-rather-long-name,7001,tcp,Long\n"
                    + "b,7001,udp,Short\n"),
            "test.csv");
    PortLookup lookup = new PortLookup(ServiceCatalogue.load(), () -> iana);
    assertThat(lookup.report(7001).render())
        .isEqualTo(
            "7001  registered (1024-49151)\n"
                + "  a-rather-long-name tcp        Long\n"
                + "  b                  udp        Short");
  }

  @Test
  void reportInvariants() {
    assertThatThrownBy(() -> new PortReport(80, PortClass.DYNAMIC, List.of(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port 80 is well-known (0-1023), not dynamic (49152-65535)");
    assertThatThrownBy(() -> new PortReport(-5, PortClass.DYNAMIC, List.of(), Optional.empty()))
        .isInstanceOf(PorteException.class)
        .hasMessage("port out of range: -5 (valid: 0-65535)");
    IanaEntry http = new IanaEntry("http", PortRange.of(80), "tcp", "Web", false);
    assertThat(new PortReport(80, PortClass.WELL_KNOWN, List.of(http), Optional.empty()).entries())
        .isUnmodifiable();
  }
}
