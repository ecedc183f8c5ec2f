package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porte.core.model.IpAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {
  @ParameterizedTest
  @CsvSource({"0, 80, 80", "10000, 80, 10080", "10000, 22, 10022", "1, 65534, 65535"})
  void portOffsetShiftsServicePorts(int offset, int service, int listen) {
    assertThat(GatewayConfig.builder().portOffset(offset).build().listenPort(service)).isEqualTo(listen);
  }

  @Test
  void noThreadCountMeansTwiceTheCoresWithinTheCap() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(GatewayConfig.builder().build().ioThreads()).isEqualTo(Math.min(2 * cores, GatewayConfig.MAX_IO_THREADS));
    assertThat(GatewayConfig.builder().ioThreads(3).build().ioThreads()).isEqualTo(3);
  }

  @Test
  void anOffsetPastThePortRangeNamesBoth() {
    GatewayConfig config = GatewayConfig.builder().portOffset(10000).build();
    assertThatThrownBy(() -> config.listenPort(60000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service port 60000 + offset 10000 is past 65535");
  }

  @Test
  void impossibleValuesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> GatewayConfig.builder().portOffset(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port offset must be in [0, 65535]: -1");
    assertThatThrownBy(() -> GatewayConfig.builder().maxConnectionsPerSource(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("max connections per source must be at least 1: 0");
    assertThatThrownBy(() -> GatewayConfig.builder().idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("idle timeout must be positive: PT0S");
    assertThatThrownBy(() -> GatewayConfig.builder().ioThreads(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    assertThatThrownBy(() -> GatewayConfig.builder().connectRetries(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("connect retries must be 0 to 100: -1");
    assertThatThrownBy(() -> GatewayConfig.builder().connectRetries(101))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("connect retries must be 0 to 100: 101");
  }

  @ParameterizedTest
  @CsvSource({"5000, 1000", "1000, 1000", "250, 250", "1, 1"})
  void theWaitBeforeARetryIsTheConnectTimeoutButAtMostASecond(long timeoutMillis, long delayMillis) {
    assertThat(GatewayConfig.builder().connectTimeout(Duration.ofMillis(timeoutMillis)).build().retryDelay())
        .isEqualTo(Duration.ofMillis(delayMillis));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "io_uring connect(..) failed with error(-111): Connection refused | Connection refused",
      "connect(..) failed: Connection refused | Connection refused",
      "io_uring connect(..) failed with error(-113): No route to host | No route to host",
      "connection timed out after 800 ms: /127.0.0.1:9 | connection timed out after 800 ms",
      "Connection refused: /127.0.0.1:9 | Connection refused",
      "Connection refused: localhost/[0:0:0:0:0:0:0:1]:9 | Connection refused",
      "connect(..) failed: Connection refused: /127.0.0.1:9 | Connection refused"})
  void aBackendErrorIsSaidPlainly(String netty, String said) {
    assertThat(RelayFrontendHandler.plain(new java.io.IOException(netty))).isEqualTo(said);
  }

  @Test
  void clientsAreJudgedByTheirAliasOrThemselves() {
    IpAddress local = IpAddress.parse("127.0.0.2");
    IpAddress outside = IpAddress.parse("198.51.100.7");
    GatewayConfig config = GatewayConfig.builder().clientAlias(Map.of(local, outside)).build();
    assertThat(config.judgedAs(local)).isEqualTo(outside);
    assertThat(config.judgedAs(outside)).isEqualTo(outside);
    assertThat(config.judgedAs(IpAddress.parse("127.0.0.3"))).isEqualTo(IpAddress.parse("127.0.0.3"));
  }
}
