package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.bench.ProcStats;

class NativeHeapTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void findsTheAllocatorTheLauncherPreloaded() {
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
    NativeHeap.Allocator expected = preload.contains("tcmalloc") ? NativeHeap.Allocator.TCMALLOC
        : preload.isBlank() ? NativeHeap.Allocator.GLIBC : NativeHeap.allocator();
    assertEquals(expected, NativeHeap.allocator(), "LD_PRELOAD=" + preload);
    assertEquals(expected, NativeHeap.releaseFreeMemory());
  }

  @Test
  void freedArraysLeaveTheProcessAfterTheRelease() {
    try (NDManager warmUp = NDManager.newBaseManager("PyTorch")) {
      warmUp.ones(new Shape(4)).sum().getFloat(); // loads libtorch (~100 MiB of code)
    }
    NativeHeap.releaseFreeMemory();
    long before = ProcStats.rssBytes();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray big = manager.ones(new Shape(64, 1024, 1024)); // 256 MiB, every page written
      assertEquals(64L * MIB, big.sum().getFloat(), 0f);
      assertTrue(ProcStats.rssBytes() - before > 200 * MIB, "the array is resident");
    }
    long afterClose = ProcStats.rssBytes();
    if (NativeHeap.allocator() == NativeHeap.Allocator.TCMALLOC
        && "0".equals(System.getenv("TCMALLOC_RELEASE_RATE"))) {
      // tcmalloc keeps the pages for the next step: only the release returns them
      assertTrue(afterClose - before > 200 * MIB,
          "tcmalloc kept the freed pages: " + (afterClose - before) / MIB + " MiB");
    }
    NativeHeap.releaseFreeMemory();
    long afterRelease = ProcStats.rssBytes();
    assertTrue(afterRelease - before < 64 * MIB,
        "resident memory after the release is " + (afterRelease - before) / MIB
            + " MiB above the start");
  }
}
