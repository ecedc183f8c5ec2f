package dev.porte.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Where the relay's read buffers come from: a pool whose per-thread cache keeps buffers up to a
 * whole read ({@link Relay#MAX_READ}), so a bulk transfer reads into and writes from the same few
 * buffers, still in the CPU's cache.
 *
 * <p>Netty 4.2's default allocator does not pool buffers this large: each 512 KiB read got a new
 * direct buffer, zeroed by the JVM and freed by a cleaner; that zeroing alone was 4 to 11% of the
 * gateway's CPU on a bulk transfer, and every copy in and out of the kernel touched memory that was
 * not cached. Netty's pooled allocator caches per thread only buffers up to
 * {@code io.netty.allocator.maxCachedBufferCapacity} (32 KiB unless set), a static setting read
 * once when the class loads; so this class raises it to one read, unless the user set it, before
 * the pooled allocator is first touched. Should something in the JVM have loaded it earlier, the
 * pool still works, only without the cache for large reads.
 */
final class RelayBuffers {
  private RelayBuffers() {}

  private static final String MAX_CACHED = "io.netty.allocator.maxCachedBufferCapacity";

  /**
   * Buffers of one size cached per thread. At 512 KiB a class holds at most 8 MiB per I/O thread;
   * a relay needs one or two at a time per busy connection it serves.
   */
  private static final int NORMAL_CACHE_SIZE = 16;

  static final ByteBufAllocator ALLOCATOR = create();

  private static ByteBufAllocator create() {
    if (System.getProperty(MAX_CACHED) == null) {
      System.setProperty(MAX_CACHED, Integer.toString(Relay.MAX_READ));
    }
    int arenas = PooledByteBufAllocator.defaultNumDirectArena();
    return new PooledByteBufAllocator(true, 0, arenas, PooledByteBufAllocator.defaultPageSize(),
        PooledByteBufAllocator.defaultMaxOrder(), PooledByteBufAllocator.defaultSmallCacheSize(), NORMAL_CACHE_SIZE,
        true, 0);
  }
}
