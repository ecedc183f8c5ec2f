package dev.porte.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.error.PorteException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reads are open on loopback only; writes always need the token. */
final class AccessTest {
  static final String TOKEN = "k".repeat(43);
  final Access access = new Access(new AccessToken(TOKEN, Path.of("/state/api-token"), false));

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, true",
    "127.8.9.1, true",
    "::1, true",
    "[::1], true",
    "0:0:0:0:0:0:0:1, true",
    "192.0.2.2, false",
    "fd00::2, false",
    "::ffff:192.0.2.2, false",
    "localhost.example, false",
  })
  void loopbackAddresses(String address, boolean loopback) {
    assertThat(Access.isLoopback(address)).isEqualTo(loopback);
  }

  @Test
  void readsFromLoopbackNeedNoToken() {
    assertThatCode(() -> access.check("127.0.0.1", false, null)).doesNotThrowAnyException();
    assertThatCode(() -> access.check("::1", false, null)).doesNotThrowAnyException();
  }

  @Test
  void readsFromOtherHostsNeedTheToken() {
    assertThatThrownBy(() -> access.check("192.0.2.2", false, null))
        .isInstanceOf(PorteException.class)
        .hasMessage("reads from other hosts need 'Authorization: Bearer <token>' (the token is in /state/api-token)");
    assertThatThrownBy(() -> access.check("192.0.2.2", false, "Bearer nope"))
        .hasMessage("wrong token in the Authorization header (the token is in /state/api-token)");
    assertThatCode(() -> access.check("192.0.2.2", false, "Bearer " + TOKEN)).doesNotThrowAnyException();
  }

  @Test
  void writesNeedTheTokenEvenFromLoopback() {
    assertThatThrownBy(() -> access.check("127.0.0.1", true, null))
        .hasMessage("writes need 'Authorization: Bearer <token>' (the token is in /state/api-token)");
    assertThatThrownBy(() -> access.check("127.0.0.1", true, "Bearer " + TOKEN + "x")).hasMessageStartingWith("wrong token");
    assertThatThrownBy(() -> access.check("127.0.0.1", true, TOKEN)).hasMessageStartingWith("wrong token");
    assertThatCode(() -> access.check("127.0.0.1", true, "Bearer " + TOKEN)).doesNotThrowAnyException();
  }
}
