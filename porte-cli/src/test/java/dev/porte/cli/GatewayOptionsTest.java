package dev.porte.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porte.gateway.GatewayConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayOptionsTest {
  @Test
  void theGatewayTimeoutsTakeUnitsAndKeepTheirDefaults() {
    GatewayConfig given = CommandLine.populateCommand(new GatewayOptions(), "--connect-timeout", "500ms",
        "--idle-timeout", "2m", "--udp-idle-timeout", "45", "--connect-retries", "0", "--resolve-interval", "5s").builder(List.of()).build();
    assertThat(given.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(given.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(given.udpIdleTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(given.connectRetries()).isZero();
    assertThat(given.resolveInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(given.retryDelay()).as("the connect timeout, under a second").isEqualTo(Duration.ofMillis(500));

    GatewayOptions defaults = CommandLine.populateCommand(new GatewayOptions());
    GatewayConfig config = defaults.builder(List.of()).build();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.udpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.connectRetries()).as("HAProxy's retries").isEqualTo(3);
    assertThat(config.retryDelay()).as("at most a second").isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.drain()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.resolveInterval()).as("as the JDK keeps a name by default").isEqualTo(Duration.ofSeconds(30));
  }
}
