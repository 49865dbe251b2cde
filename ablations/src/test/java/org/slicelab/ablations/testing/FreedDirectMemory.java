package org.slicelab.ablations.testing;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frees the memory of every unreachable Java direct buffer now and writes NaN over what malloc
 * hands out next, so that native code still reading a freed buffer sees garbage at once instead
 * of whenever the JVM happens to collect.
 *
 * <p>DJL's PyTorch engine wraps arrays made from Java data ({@code manager.create(float[])},
 * {@code x.mul(2f)}'s scalar) around a direct buffer ({@code from_blob}); only the Java array
 * object keeps that buffer alive. Anything in torch that outlives the Java object, such as a
 * tensor saved for the backward pass, then reads memory the JVM frees at its next collection.
 */
public final class FreedDirectMemory {
  /** Direct buffers of each small size allocated by {@link #scribble()}. */
  private static final int BUFFERS_PER_SIZE = 4096;
  private static final int[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128};

  private final List<ByteBuffer> scribbles = new ArrayList<>();

  /**
   * Collects garbage until a collection frees no more direct buffers (their memory is back with
   * the C allocator), then allocates many small direct buffers filled with 0xFF bytes (a NaN as
   * float32): the allocator reuses the chunks it just got back. The scribbles stay allocated
   * while this object is reachable.
   */
  public static FreedDirectMemory releaseAndScribble() {
    release();
    FreedDirectMemory memory = new FreedDirectMemory();
    memory.scribble();
    return memory;
  }

  /** Collects garbage until a collection releases no more direct buffers (at most 2 s). */
  public static void release() {
    BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
        .stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
    long deadline = System.nanoTime() + 2_000_000_000L;
    long before;
    do {
      before = direct.getCount();
      System.gc();
      try {
        // the reference handler thread frees the collected buffers just after the collection
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    } while (direct.getCount() < before && System.nanoTime() < deadline);
  }

  private void scribble() {
    for (int size : SIZES) {
      for (int i = 0; i < BUFFERS_PER_SIZE; i++) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(size);
        while (buffer.hasRemaining()) {
          buffer.put((byte) 0xFF);
        }
        scribbles.add(buffer);
      }
    }
  }

  /** Bytes of scribbles held. */
  public long scribbledBytes() {
    return scribbles.stream().mapToLong(ByteBuffer::capacity).sum();
  }
}
