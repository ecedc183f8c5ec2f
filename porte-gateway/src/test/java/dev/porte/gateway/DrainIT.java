package dev.porte.gateway;

import static dev.porte.gateway.Fixtures.CIRCLE_LOCAL;
import static dev.porte.gateway.Fixtures.config;
import static dev.porte.gateway.Fixtures.connectFrom;
import static dev.porte.gateway.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A graceful stop: no new clients, the open connections carry on until they end or time runs out. */
class DrainIT {
  private static String yaml(int backendPort) {
    return "inbound:\n  - allow: 7/tcp\nservices:\n  7: { to: 127.0.0.1:" + backendPort + " }\n";
  }

  private static void echoes(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes());
    assertThat(new String(s.getInputStream().readNBytes(text.length()))).isEqualTo(text);
  }

  @Test
  void aDrainRefusesNewClientsAndWaitsForTheOpenOnesToEnd() throws Exception {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(yaml(echo.port())), config().build())) {
      InetSocketAddress door = gateway.address(Protocol.TCP, 7);
      Socket open = connectFrom(CIRCLE_LOCAL, door);
      echoes(open, "before");
      CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> {
        try {
          return gateway.drain(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.address(Protocol.TCP, 7) == null);
      assertThatThrownBy(() -> connectFrom(CIRCLE_LOCAL, door)).isInstanceOf(ConnectException.class);
      echoes(open, "while draining");
      assertThat(drained).isNotDone();
      // A reload while draining must not open the door again.
      gateway.reload(policy(yaml(echo.port())));
      assertThat(gateway.address(Protocol.TCP, 7)).isNull();
      open.close();
      assertThat(drained.get(5, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aConnectionThatOutlastsTheDrainIsCountedAndClosedByClose() throws Exception {
    try (TestBackends.Tcp echo = TestBackends.Tcp.echo();
        Gateway gateway = Gateway.start(policy(yaml(echo.port())), config().build());
        Socket open = connectFrom(CIRCLE_LOCAL, gateway.address(Protocol.TCP, 7))) {
      echoes(open, "hello");
      long start = System.nanoTime();
      assertThat(gateway.drain(Duration.ofMillis(300))).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      gateway.close();
      assertThat(open.getInputStream().read()).isEqualTo(-1);
    }
  }
}
