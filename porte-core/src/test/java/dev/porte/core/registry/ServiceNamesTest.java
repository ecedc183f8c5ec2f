package dev.porte.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.io.StringReader;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DESIGN.md, "Service names in a policy", as a table. */
class ServiceNamesTest {
  private static final ServiceNames NAMES = ServiceNames.standard();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // the catalogue: the protocols a service really speaks
        "http          | http = 80/tcp                      | catalogue",
        "HTTP          | http = 80/tcp                      | catalogue",
        "www           | http = 80/tcp                      | catalogue",
        "http/udp      | http = 80/udp                      | catalogue",
        "http/tcp      | http = 80/tcp                      | catalogue",
        "HTTP/UDP      | http = 80/udp                      | catalogue",
        "domain        | domain = 53/tcp, 53/udp            | catalogue",
        "dns           | domain = 53/tcp, 53/udp            | catalogue",
        "dns/udp       | domain = 53/udp                    | catalogue",
        "https         | https = 443/tcp, 443/udp           | catalogue",
        "https/tcp     | https = 443/tcp                    | catalogue",
        "ssh           | ssh = 22/tcp                       | catalogue",
        "ssh/udp       | ssh = 22/udp                       | catalogue",
        "ntp           | ntp = 123/udp                      | catalogue",
        "ntp/tcp       | ntp = 123/tcp                      | catalogue",
        "etcd          | etcd = 2379-2380/tcp               | catalogue",
        "oracle        | oracle = 1521/tcp                  | catalogue", // IANA says 2005/udp
        "postgres      | postgresql = 5432/tcp              | catalogue",
        "rdp           | ms-wbt-server = 3389/tcp, 3389/udp | catalogue",
        "nfs/tcp       | nfs = 2049/tcp                     | catalogue",
        // IANA: tcp where it registers tcp, else udp
        "x11           | x11 = 6000-6063/tcp                | IANA registry",
        "X11/udp       | x11 = 6000-6063/udp                | IANA registry",
        "exec          | exec = 512/tcp                     | IANA registry",
        "biff          | biff = 512/udp                     | IANA registry",
        "biff/tcp      | biff = 512/tcp                     | IANA registry",
        "compressnet   | compressnet = 2/tcp, 3/tcp         | IANA registry",
        "etcd-client   | etcd-client = 2379/tcp             | IANA registry",
        "www-http      | www-http = 80/tcp                  | IANA registry",
        "whois++       | whois++ = 63/tcp                   | IANA registry",
        // an explicit protocol takes the port of any registration, even sctp-only or none
        "itu-bicc-stc/tcp | itu-bicc-stc = 3097/tcp         | IANA registry",
        "boe-cms/udp   | boe-cms = 6400/udp                 | IANA registry",
        // IANA names with a slash in them
        "cl/1          | cl/1 = 172/tcp                     | IANA registry",
        "cl/1/udp      | cl/1 = 172/udp                     | IANA registry",
      })
  void resolves(String text, String expansion, String source) {
    ResolvedService resolved = NAMES.resolve(text);
    assertThat(resolved.expansion()).isEqualTo(expansion);
    assertThat(resolved.source()).isEqualTo(source);
  }

  @Test
  void allowHttpNeverOpensUdp80() {
    assertThat(NAMES.resolve("http").ports()).containsExactly(Specs.spec("80/tcp"));
    assertThat(NAMES.resolve("www").ports()).containsExactly(Specs.spec("80/tcp"));
  }

  @Test
  void everyCatalogueNameAndAliasResolvesFromTheCatalogue() {
    for (CatalogueService service : ServiceCatalogue.load().all()) {
      assertThat(NAMES.resolve(service.name()))
          .isEqualTo(new ResolvedService(service.name(), service.ports(), "catalogue"));
      for (String alias : service.aliases()) {
        assertThat(NAMES.resolve(alias).name()).as(alias).isEqualTo(service.name());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "htp          | UNKNOWN_SERVICE  | unknown service: 'htp' (not in porte's catalogue or the"
            + " IANA registry; did you mean http",
        "postgress    | UNKNOWN_SERVICE  | unknown service: 'postgress' (not in porte's catalogue"
            + " or the IANA registry; did you mean postgres",
        "zzzzqqqq     | UNKNOWN_SERVICE  | unknown service: 'zzzzqqqq' (not in porte's catalogue"
            + " or the IANA registry)",
        "zzzzqqqq/udp | UNKNOWN_SERVICE  | unknown service: 'zzzzqqqq' (not in porte's catalogue"
            + " or the IANA registry)",
        "itu-bicc-stc | UNKNOWN_SERVICE  | service 'itu-bicc-stc' is registered only for sctp,"
            + " which porte does not filter (valid: tcp or udp services)",
        "boe-cms      | UNKNOWN_SERVICE  | service 'boe-cms' is registered for port 6400 without"
            + " a protocol (write boe-cms/tcp or boe-cms/udp)",
        "zeromq       | UNKNOWN_SERVICE  | service 'zeromq' has no port in the IANA registry",
        "80           | UNKNOWN_SERVICE  | unknown service: '80' is a port number, not a name"
            + " (write it as a port: 80/tcp or 80/udp)",
        "''           | UNKNOWN_SERVICE  | empty service name: '' (write a name such as ssh, or"
            + " http/udp)",
        "/tcp         | UNKNOWN_SERVICE  | no service name before the protocol in '/tcp' (write"
            + " e.g. http/udp)",
        "http/sctp    | INVALID_PROTOCOL | bad protocol in 'http/sctp': a service name takes tcp"
            + " or udp (write http/tcp or http/udp, or just http)",
        "ssh/icmp     | INVALID_PROTOCOL | bad protocol in 'ssh/icmp'",
      })
  void refuses(String text, ErrorCode code, String message) {
    assertThatThrownBy(() -> NAMES.resolve(text))
        .isInstanceOf(PorteException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((PorteException) e).code())
        .isEqualTo(code);
  }

  @Test
  void unknownNameMessageIsExactlyThePublishedOne() {
    assertThatThrownBy(() -> NAMES.resolve("htp"))
        .hasMessage(
            "unknown service: 'htp' (not in porte's catalogue or the IANA registry; did you mean"
                + " http, hap or htcp?)");
  }

  @Test
  void catalogueNamesNeverLoadTheIanaRegistry() {
    ServiceNames names =
        new ServiceNames(
            ServiceCatalogue.load(),
            () -> {
              throw new AssertionError("the IANA registry was loaded for a catalogue name");
            });
    assertThat(names.resolve("http").expansion()).isEqualTo("http = 80/tcp");
    assertThat(names.resolve("dns/udp").expansion()).isEqualTo("domain = 53/udp");
    assertThatThrownBy(() -> names.resolve("x11"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("the IANA registry was loaded for a catalogue name");
  }

  @Test
  void theRegistryIsAskedForOnlyWhenNeeded() {
    AtomicInteger loads = new AtomicInteger();
    ServiceNames names =
        new ServiceNames(
            ServiceCatalogue.load(),
            () -> {
              loads.incrementAndGet();
              return IanaRegistry.load();
            });
    names.resolve("ssh");
    names.resolve("mysql");
    assertThat(loads).hasValue(0);
    names.resolve("x11");
    assertThat(loads).hasValue(1);
  }

  @Test
  void namesRegisteredForSctpAndDccpOnlySayBoth() {
    IanaRegistry iana =
        IanaRegistry.parse(
            new StringReader(
                "Service Name,Port Number,Transport Protocol,Description,Assignment Notes\n"
                    + "deep,1113,sctp,Deep space,\n"
                    + "deep,1113,dccp,Deep space,\n"),
            "test.csv");
    ServiceNames names = new ServiceNames(ServiceCatalogue.load(), () -> iana);
    assertThatThrownBy(() -> names.resolve("deep"))
        .isInstanceOf(PorteException.class)
        .hasMessage(
            "service 'deep' is registered only for sctp and dccp, which porte does not filter"
                + " (valid: tcp or udp services)");
    assertThat(names.resolve("deep/udp").expansion()).isEqualTo("deep = 1113/udp");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''    | 80/tcp | catalogue | a resolved service has a name",
        "http  | ''     | catalogue | service 'http' resolved to no ports",
        "http  | 80/tcp | porte     | unknown source: 'porte' (valid: catalogue, IANA registry)",
      })
  void resolvedServiceInvariants(String name, String port, String source, String message) {
    List<dev.porte.core.model.PortSpec> ports =
        port.isEmpty() ? List.of() : List.of(Specs.spec(port));
    assertThatThrownBy(() -> new ResolvedService(name, ports, source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
