package dev.porte.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.PorteException;
import dev.porte.server.store.StoreLocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ConsoleAddressTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:9474, 127.0.0.1, 9474, true",
    "[::1]:9474,     ::1,       9474, true",
    "localhost:0,    localhost, 0,    true",
    "0.0.0.0:8080,   0.0.0.0,   8080, false",
    "[::]:65535,     ::,        65535, false",
  })
  void parsesAndRoundTrips(String text, String host, int port, boolean loopback) {
    ConsoleAddress address = ConsoleAddress.parse(text);
    assertThat(address.host()).isEqualTo(host);
    assertThat(address.port()).isEqualTo(port);
    assertThat(address.isLoopback()).isEqualTo(loopback);
    assertThat(ConsoleAddress.parse(address.toString())).isEqualTo(address);
    assertThat(address.toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "9474            | expected HOST:PORT such as 127.0.0.1:9474, got '9474'",
    "127.0.0.1:70000 | port out of range in '127.0.0.1:70000': 70000 (0-65535)",
    "127.0.0.1:http  | not a port in '127.0.0.1:http': 'http' (0-65535)",
    "::1:9474        | write an IPv6 host in brackets, as [::1]:9474, not '::1:9474'",
    ":9474           | the console address has no host: ':9474'",
  })
  void refusesWithTheBadInputQuoted(String text, String message) {
    assertThatThrownBy(() -> ConsoleAddress.parse(text)).isInstanceOf(PorteException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "/var/lib/porte/porte.db                          | SQLITE     | jdbc:sqlite:/var/lib/porte/porte.db",
    "jdbc:sqlite:/tmp/p.db                            | SQLITE     | jdbc:sqlite:/tmp/p.db",
    "jdbc:postgresql://db.example/porte?user=p        | POSTGRESQL | jdbc:postgresql://db.example/porte?user=p",
  })
  void storeLocations(String text, StoreLocation.Vendor vendor, String url) {
    StoreLocation location = StoreLocation.parse(text);
    assertThat(location.vendor()).isEqualTo(vendor);
    assertThat(location.jdbcUrl()).isEqualTo(url);
  }

  @org.junit.jupiter.api.Test
  void otherDatabasesAreRefusedAndPasswordsAreNotShown() {
    assertThatThrownBy(() -> StoreLocation.parse("jdbc:mysql://db/porte"))
        .hasMessage("unsupported database URL 'jdbc:mysql://db/porte': porte speaks jdbc:postgresql: and SQLite files");
    assertThat(StoreLocation.parse("jdbc:postgresql://db/porte?user=p&password=secret&ssl=true").display())
        .isEqualTo("jdbc:postgresql://db/porte?user=p&password=***&ssl=true");
  }
}
