package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/**
 * The gateway runs on the transport asked for ({@code -Dporte.transport}, as the build's second
 * pass over these tests asks for epoll), else on the best the kernel offers: the other tests then
 * really exercise the transport they are meant to.
 */
class TransportIT {
  @Test
  void theGatewayRunsOnTheTransportAskedForOrTheBestAvailable() {
    String asked = System.getProperty("porte.transport", "");
    String expected = !asked.isEmpty() ? asked : IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
    try (Gateway gateway = Gateway.start(policy("inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:9 }\n"),
        config().build())) {
      assertThat(gateway.transportName()).isEqualTo(expected);
    }
  }
}
