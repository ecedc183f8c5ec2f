package dev.porte.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check run after every test class of this module does find a leak: it is no check that cannot fail. */
class NettyLeakCheckTest {
  @Test
  void aBufferDroppedWithoutReleaseIsReported() throws InterruptedException {
    assertThat(NettyLeakCheck.collectLeaks()).as("leaks found before this test").isEmpty();
    List<String> leaks = NettyLeakCheck.leaksOf(NettyLeakCheckTest::dropUnreleased);
    assertThat(leaks).singleElement().asString()
        .contains("LEAK: ByteBuf.release() was not called")
        .contains(NettyLeakCheckTest.class.getName() + ".dropUnreleased");
  }

  @Test
  void releasedBuffersAreNoLeak() throws InterruptedException {
    assertThat(NettyLeakCheck.collectLeaks()).as("leaks found before this test").isEmpty();
    RelayBuffers.ALLOCATOR.directBuffer(64).writeLong(1).release();
    assertThat(NettyLeakCheck.collectLeaks()).isEmpty();
  }

  /** A relay read taken and never released, as a handler that forgets one would leave it. */
  private static void dropUnreleased() {
    RelayBuffers.ALLOCATOR.directBuffer(64).writeLong(1);
  }
}
