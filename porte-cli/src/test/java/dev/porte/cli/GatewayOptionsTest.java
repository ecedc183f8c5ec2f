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
        "--idle-timeout", "2m", "--udp-idle-timeout", "45").builder(List.of()).build();
    assertThat(given.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(given.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(given.udpIdleTimeout()).isEqualTo(Duration.ofSeconds(45));

    GatewayOptions defaults = CommandLine.populateCommand(new GatewayOptions());
    GatewayConfig config = defaults.builder(List.of()).build();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.udpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.drain()).isEqualTo(Duration.ofSeconds(10));
  }
}
