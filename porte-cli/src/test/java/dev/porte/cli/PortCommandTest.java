package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortCommandTest {
  @ParameterizedTest(name = "port {0}")
  @CsvSource(
      delimiter = ';',
      textBlock = """
      3306;   3306;  mysql;  registered (1024-49151)
      mysql;  3306;  mysql;  registered (1024-49151)
      443;    443;   https;  well-known (0-1023)
      22;     22;    ssh;    well-known (0-1023)
      ssh;    22;    ssh;    well-known (0-1023)
      50000;  50000; ;       dynamic (49152-65535)
      0;      0;     ;       well-known (0-1023)
      65535;  65535; ;       dynamic (49152-65535)
      """)
  void showsTheNumberNamesAndClass(String query, String port, String name, String portClass) {
    Cli result = Cli.run("port", query);
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains(port).contains(portClass);
    if (name != null) {
      assertThat(result.out()).contains(name);
    }
  }

  @ParameterizedTest(name = "port {0}")
  @CsvSource(
      delimiter = ';',
      textBlock = """
      65536;          port out of range: 65536 (valid: 0-65535)
      -1;             port out of range: -1 (valid: 0-65535)
      nosuchservice;  unknown service: 'nosuchservice'
      80/tcpx;        80/tcpx
      """)
  void badInputExitsTwoWithOneLineNamingIt(String query, String message) {
    Cli result = Cli.run("port", query);
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains(message);
    assertThat(result.err().strip().lines()).hasSize(1);
    assertThat(result.out()).isEmpty();
  }
}
