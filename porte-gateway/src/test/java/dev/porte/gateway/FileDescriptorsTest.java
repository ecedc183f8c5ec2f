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
  void capsLeftUnsetFollowTheLimitAndFitIt() {
    // 20000 - 40 open - 64 margin = 19896 free: a quarter for UDP, the rest at two per connection.
    FileDescriptors.Caps caps = FileDescriptors.defaults(20_000, 40);
    assertThat(caps).isEqualTo(new FileDescriptors.Caps(7461, 4974));
    assertThat(40 + FileDescriptors.MARGIN + 2L * caps.connections() + caps.udpSessions()).isLessThanOrEqualTo(20_000);
    assertThat(FileDescriptors.defaults(1_048_576, 40)).as("a generous limit: the usual caps")
        .isEqualTo(new FileDescriptors.Caps(50_000, 10_000));
    assertThat(FileDescriptors.defaults(-1, 40)).as("unknown").isEqualTo(new FileDescriptors.Caps(50_000, 10_000));
    assertThat(FileDescriptors.defaults(64, 40)).as("nothing free: one each, and the accept failures say why")
        .isEqualTo(new FileDescriptors.Caps(1, 1));
  }

  @Test
  void aConfigWithoutCapsTakesThemFromThisProcesssLimit() {
    GatewayConfig unset = GatewayConfig.builder().build();
    assertThat(unset.capsFollowLimit()).isTrue();
    assertThat(unset.capsGiven()).isFalse();
    FileDescriptors.Caps expected = FileDescriptors.defaults(FileDescriptors.limit(), FileDescriptors.open());
    assertThat(unset.maxConnections()).isCloseTo(expected.connections(), org.assertj.core.api.Assertions.within(8));
    assertThat(caps.capsGiven()).isTrue();
    assertThat(caps.capsFollowLimit()).isFalse();
  }

  @Test
  void aShortfallNamesTheOptionsGivenAndTheCapsTheLimitSet() {
    GatewayConfig oneGiven = GatewayConfig.builder().maxConnections(1000).build();
    assertThat(oneGiven.maxConnectionsGiven()).isTrue();
    assertThat(oneGiven.maxUdpSessionsGiven()).isFalse();
    assertThat(FileDescriptors.shortfall(oneGiven, 1024, 40)).contains("that --max-connections 1000 (two each) and the UDP "
        + "session cap " + oneGiven.maxUdpSessions() + " (one each) may need");
    assertThat(FileDescriptors.shortfall(caps, 1024, 40)).contains("--max-connections 1000 (two each) and "
        + "--max-udp-sessions 100 (one each)");
  }

  @Test
  void thisJvmKnowsItsLimit() {
    assertThat(FileDescriptors.limit()).isGreaterThan(FileDescriptors.open()).isGreaterThan(0);
  }
}
