package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import dev.porte.core.model.PortSpec;
import dev.porte.core.model.Protocol;
import dev.porte.core.registry.CatalogueService.Kind;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceCatalogueTest {
  private static final ServiceCatalogue CATALOGUE = ServiceCatalogue.load();

  private static ServiceCatalogue parse(String yaml) {
    return ServiceCatalogue.parse(new StringReader(yaml), "test.yaml");
  }

  @Test
  void loadsOncePerJvm() {
    assertThat(ServiceCatalogue.load()).isSameAs(CATALOGUE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ftp           | ftp = 21/tcp                    | GENERAL",
        "ssh           | ssh = 22/tcp                    | ADMIN",
        "telnet        | telnet = 23/tcp                 | ADMIN",
        "smtp          | smtp = 25/tcp                   | GENERAL",
        "domain        | domain = 53/tcp, 53/udp         | GENERAL",
        "bootps        | bootps = 67/udp                 | GENERAL",
        "tftp          | tftp = 69/udp                   | GENERAL",
        "http          | http = 80/tcp                   | GENERAL",
        "pop3          | pop3 = 110/tcp                  | GENERAL",
        "ntp           | ntp = 123/udp                   | GENERAL",
        "imap          | imap = 143/tcp                  | GENERAL",
        "snmp          | snmp = 161/udp                  | GENERAL",
        "ldap          | ldap = 389/tcp                  | GENERAL",
        "https         | https = 443/tcp, 443/udp        | GENERAL",
        "submissions   | submissions = 465/tcp           | GENERAL",
        "syslog        | syslog = 514/udp                | GENERAL",
        "submission    | submission = 587/tcp            | GENERAL",
        "ldaps         | ldaps = 636/tcp                 | GENERAL",
        "imaps         | imaps = 993/tcp                 | GENERAL",
        "pop3s         | pop3s = 995/tcp                 | GENERAL",
        "openvpn       | openvpn = 1194/udp              | GENERAL",
        "ms-sql-s      | ms-sql-s = 1433/tcp             | DATABASE",
        "oracle        | oracle = 1521/tcp               | DATABASE",
        "nfs           | nfs = 2049/tcp, 2049/udp        | GENERAL",
        "etcd          | etcd = 2379-2380/tcp            | DATABASE",
        "mysql         | mysql = 3306/tcp                | DATABASE",
        "ms-wbt-server | ms-wbt-server = 3389/tcp, 3389/udp | ADMIN",
        "postgresql    | postgresql = 5432/tcp           | DATABASE",
        "amqp          | amqp = 5672/tcp                 | GENERAL",
        "vnc           | vnc = 5900/tcp                  | ADMIN",
        "redis         | redis = 6379/tcp                | DATABASE",
        "kubernetes    | kubernetes = 6443/tcp           | ADMIN",
        "http-alt      | http-alt = 8080/tcp             | GENERAL",
        "https-alt     | https-alt = 8443/tcp            | GENERAL",
        "prometheus    | prometheus = 9090/tcp           | GENERAL",
        "kafka         | kafka = 9092/tcp                | GENERAL",
        "elasticsearch | elasticsearch = 9200/tcp        | DATABASE",
        "memcache      | memcache = 11211/tcp            | DATABASE",
        "mongodb       | mongodb = 27017/tcp             | DATABASE",
        "wireguard     | wireguard = 51820/udp           | GENERAL",
      })
  void bundledServices(String name, String expansion, Kind kind) {
    CatalogueService service = CATALOGUE.find(name).orElseThrow();
    assertThat(service.name()).isEqualTo(name);
    assertThat(service.expansion()).isEqualTo(expansion);
    assertThat(service.kind()).isEqualTo(kind);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "dns,       domain",
    "DNS,       domain",
    "dhcp,      bootps",
    "www,       http",
    "smtps,     submissions",
    "mssql,     ms-sql-s",
    "rdp,       ms-wbt-server",
    "postgres,  postgresql",
    "Postgres,  postgresql",
    "memcached, memcache",
    "SSH,       ssh",
  })
  void findsByNameOrAliasInAnyCase(String nameOrAlias, String name) {
    assertThat(CATALOGUE.find(nameOrAlias)).map(CatalogueService::name).hasValue(name);
  }

  @ParameterizedTest
  @CsvSource({"htp", "''", "x11", "dns/udp"})
  void findsNothingForOtherNames(String name) {
    assertThat(CATALOGUE.find(name)).isEmpty();
  }

  @ParameterizedTest(name = "{1}/{0} -> {2}")
  @CsvSource({
    "TCP,  22,    ssh",
    "UDP,  53,    domain",
    "TCP,  53,    domain",
    "UDP,  443,   https",
    "TCP,  2379,  etcd",
    "TCP,  2380,  etcd",
    "ANY,  123,   ntp", // udp only: ANY falls back to it
    "ANY,  80,    http",
    "UDP,  80,    ''",
    "TCP,  2381,  ''",
    "TCP,  12345, ''",
    "ICMP, 0,     ''",
  })
  void byPort(Protocol protocol, int port, String name) {
    assertThat(CATALOGUE.byPort(protocol, port).map(CatalogueService::name).orElse(""))
        .isEqualTo(name);
  }

  @ParameterizedTest(name = "{1}/{0}: {2}")
  @CsvSource({
    "TCP, 22,    ADMIN",
    "TCP, 3389,  ADMIN",
    "UDP, 3389,  ADMIN",
    "TCP, 3306,  DATABASE",
    "UDP, 3306,  GENERAL", // mysql speaks tcp only
    "TCP, 80,    GENERAL",
    "TCP, 12345, GENERAL",
  })
  void kindOf(Protocol protocol, int port, Kind kind) {
    assertThat(CATALOGUE.kindOf(protocol, port)).isEqualTo(kind);
  }

  @Test
  void byPortRefusesNonPorts() {
    assertThatThrownBy(() -> CATALOGUE.byPort(Protocol.TCP, 65536))
        .isInstanceOf(PorteException.class)
        .hasMessage("port out of range: 65536 (valid: 0-65535)");
  }

  @Test
  void allKeepsTheFileOrder() {
    assertThat(CATALOGUE.all()).hasSizeGreaterThanOrEqualTo(40).isUnmodifiable();
    assertThat(CATALOGUE.all().get(0).name()).isEqualTo("ftp");
    assertThat(CATALOGUE.all().get(CATALOGUE.all().size() - 1).name()).isEqualTo("wireguard");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mysql         | mysql = 3306/tcp (database)",
        "domain        | domain = 53/tcp, 53/udp (also: dns)",
        "postgresql    | postgresql = 5432/tcp (database; also: postgres)",
        "ftp           | ftp = 21/tcp",
      })
  void summary(String name, String summary) {
    assertThat(CATALOGUE.find(name).orElseThrow().summary()).isEqualTo(summary);
  }

  @Test
  void readsAllThreeKeysAndBlockStyle() {
    ServiceCatalogue catalogue =
        parse(
            "# a comment\n"
                + "web:\n"
                + "  ports:\n"
                + "    - 8000-8001/tcp\n"
                + "    - 8000/udp\n"
                + "  aliases: [site, www2]\n"
                + "  kind: admin\n");
    CatalogueService web = catalogue.find("www2").orElseThrow();
    assertThat(web)
        .isEqualTo(
            new CatalogueService(
                "web",
                List.of(Specs.spec("8000-8001/tcp"), Specs.spec("8000/udp")),
                Set.of("site", "www2"),
                Kind.ADMIN));
    assertThat(web.aliases()).containsExactly("site", "www2");
  }

  /** Every bad entry stops the read with the file, the line, the service and what is valid. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ssh: { ports: [22] }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': port '22' has no protocol"
            + " (write 22/tcp or 22/udp)",
        "ssh: { ports: [22/tpc] }"
            + " | INVALID_PROTOCOL | test.yaml line 1: service 'ssh': bad protocol 'tpc' in"
            + " '22/tpc' (valid: tcp or udp)",
        "ssh: { ports: [22/icmp] }"
            + " | INVALID_PROTOCOL | test.yaml line 1: service 'ssh': bad protocol 'icmp'",
        "ssh: { ports: [70000/tcp] }"
            + " | INVALID_PORT | test.yaml line 1: service 'ssh': bad port '70000/tcp': port out"
            + " of range: 70000 (valid: 0-65535)",
        "ssh: { ports: [23-22/tcp] }"
            + " | INVALID_PORT | test.yaml line 1: service 'ssh': bad port '23-22/tcp': port range"
            + " is reversed",
        "ssh: { ports: [22/tcp], kind: root }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': unknown kind 'root' (valid:"
            + " admin, database, or no kind)",
        "ssh: { port: [22/tcp] }"
            + " | UNKNOWN_KEY | test.yaml line 1: service 'ssh': unknown key 'port' (valid: ports,"
            + " aliases, kind)",
        "ssh: { aliases: [secure-shell] }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': no ports (write e.g. ssh: {"
            + " ports: [8080/tcp] })",
        "ssh: { ports: [] }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': no ports",
        "ssh: { ports: 22/tcp }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': ports must be a list such as"
            + " [80/tcp], found '22/tcp'",
        "ssh: 22"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': expected { ports: [...] },"
            + " found '22'",
        "ssh:"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': expected { ports: [...] },"
            + " found nothing",
        "SSH: { ports: [22/tcp] }"
            + " | INVALID_VALUE | test.yaml line 1: service 'SSH': bad name (valid: lower-case"
            + " letters, digits, '-', '_' and '.', e.g. ssh)",
        "ssh: { ports: [22/tcp], aliases: [Secure Shell] }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': alias 'Secure Shell': bad name",
        "ssh: { ports: [22/tcp], aliases: [[x]] }"
            + " | INVALID_VALUE | test.yaml line 1: service 'ssh': aliases: expected a name, found"
            + " a list",
        "ssh: { ports: [22/tcp], ports: [23/tcp] }"
            + " | DUPLICATE | test.yaml line 1: service 'ssh': 'ports' is given twice",
        "ssh: { ports: [22/tcp], aliases: [ssh] }"
            + " | DUPLICATE | test.yaml line 1: service 'ssh': the name 'ssh' is already a service"
            + " (line 1)",
        "- ssh"
            + " | INVALID_VALUE | test.yaml line 1: expected a mapping of service names, found a"
            + " list (write e.g. ssh: { ports: [22/tcp] })",
        "''"
            + " | INVALID_VALUE | test.yaml line 1: expected a mapping of service names, found the"
            + " end of the file",
        "{}"
            + " | INVALID_VALUE | test.yaml line 1: the catalogue names no services",
        "ssh: { ports: [22/tcp"
            + " | SYNTAX | test.yaml line 1: not valid YAML:",
      })
  void badEntriesFailFast(String yaml, ErrorCode code, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((PorteException) e).code())
        .isEqualTo(code);
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a: { ports: [1/tcp] }\\nb: { ports: [2/tcp] }\\nc: { ports: [1/tcp] }"
            + " | DUPLICATE | test.yaml line 3: service 'c': 1/tcp already belongs to 'a' (a port"
            + " has one service in the catalogue)",
        "a: { ports: [1-5/tcp] }\\nb: { ports: [5/tcp] }"
            + " | DUPLICATE | test.yaml line 2: service 'b': 5/tcp already belongs to 'a'",
        "a: { ports: [1/tcp], aliases: [b] }\\n\\nb: { ports: [2/tcp] }"
            + " | DUPLICATE | test.yaml line 3: service 'b': the name 'b' is already an alias of"
            + " 'a' (line 1)",
        "a: { ports: [1/tcp] }\\nb: { ports: [2/tcp], aliases: [a] }"
            + " | DUPLICATE | test.yaml line 2: service 'b': the name 'a' is already a service"
            + " (line 1)",
        "a: { ports: [1/tcp] }\\nb:\\n  ports:\\n    - 2/tcp\\n    - 3/tpc"
            + " | INVALID_PROTOCOL | test.yaml line 5: service 'b': bad protocol 'tpc'",
        "a: { ports: [1/tcp] }\\nb:\\n  ports: [2/tcp]\\n  colour: red"
            + " | UNKNOWN_KEY | test.yaml line 4: service 'b': unknown key 'colour'",
      })
  void clashesAndLaterErrorsNameTheirLine(String yaml, ErrorCode code, String message) {
    assertThatThrownBy(() -> parse(yaml.replace("\\n", "\n")))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((PorteException) e).code())
        .isEqualTo(code);
  }

  @Test
  void sameNumberOnTheOtherProtocolIsNoClash() {
    ServiceCatalogue catalogue = parse("a: { ports: [1/tcp] }\nb: { ports: [1/udp] }\n");
    assertThat(catalogue.byPort(Protocol.TCP, 1)).map(CatalogueService::name).hasValue("a");
    assertThat(catalogue.byPort(Protocol.UDP, 1)).map(CatalogueService::name).hasValue("b");
  }

  @Test
  void aCatalogueBuiltInCodeIsCheckedToo() {
    CatalogueService a =
        new CatalogueService("a", List.of(Specs.spec("1/tcp")), Set.of(), Kind.GENERAL);
    CatalogueService b =
        new CatalogueService("b", List.of(Specs.spec("1/tcp")), Set.of(), Kind.GENERAL);
    assertThatThrownBy(() -> ServiceCatalogue.of(List.of(a, b)))
        .isInstanceOf(PorteException.class)
        .hasMessage(
            "'a' and 'b' both claim 1/tcp (the catalogue gives each name and port to one"
                + " service)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''    | 1/tcp | ''   | service name must be non-empty lower case without spaces: ''",
        "Web   | 1/tcp | ''   | service name must be non-empty lower case without spaces: 'Web'",
        "web   | ''    | ''   | service 'web' has no ports",
        "web   | icmp  | ''   | service 'web' names icmp (valid: tcp or udp ports)",
        "web   | 1/tcp | web  | service 'web' is its own alias",
        "web   | 1/tcp | W    | alias of 'web' must be non-empty lower case without spaces: 'W'",
      })
  void serviceInvariants(String name, String port, String alias, String message) {
    List<PortSpec> ports = port.isEmpty() ? List.of() : List.of(Specs.spec(port));
    Set<String> aliases = alias.isEmpty() ? Set.of() : Set.of(alias);
    assertThatThrownBy(() -> new CatalogueService(name, ports, aliases, Kind.GENERAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
