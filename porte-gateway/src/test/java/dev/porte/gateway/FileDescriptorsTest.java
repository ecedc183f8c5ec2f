package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileDescriptorsTest {
  private final GatewayConfig caps = GatewayConfig.builder().maxConnections(1000).maxUdpSessions(100).build();

  @Test
  void aLimitThatHoldsEveryCapSaysNothing() {
    // 40 open + 64 margin + 2 x 1000 + 100 = 2204
    assertThat(FileDescriptors.shortfall(caps, 2204, 40)).isNull();
    assertThat(FileDescriptors.shortfall(caps, -1, 40)).as("unknown limit").isNull();
  }

  @Test
  void aLowerLimitSaysHowManyConnectionsFitAndWhatToRaise() {
    assertThat(FileDescriptors.shortfall(caps, 2203, 40)).isNotNull();
    assertThat(FileDescriptors.shortfall(caps, 1024, 40))
        .startsWith("the open-file limit (1024) is below the 2204 descriptors that --max-connections 1000 (two each)")
        .contains("about 460 connections fit")
        .endsWith("Raise the limit (ulimit -n, systemd LimitNOFILE=) or lower the caps");
  }

  @Test
  void thisJvmKnowsItsLimit() {
    assertThat(FileDescriptors.limit()).isGreaterThan(FileDescriptors.open()).isGreaterThan(0);
  }
}
