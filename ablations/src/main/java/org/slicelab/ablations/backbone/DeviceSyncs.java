package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;

/**
 * Counts SliceLab's own device-to-host read-backs on the calling thread. On a GPU each one waits
 * for every queued kernel (a synchronisation), so a training step should have as few as possible;
 * on the CPU they cost nothing but are counted the same way, so a test here pins the number a GPU
 * step would make. Read-backs inside DJL or libtorch are not counted.
 */
public final class DeviceSyncs {
  private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);

  private DeviceSyncs() {
  }

  /** Reads {@code array} back to the host as floats (one synchronisation). */
  public static float[] readFloats(NDArray array) {
    COUNT.get()[0]++;
    return array.toFloatArray();
  }

  /** Reads the single value of {@code array} back to the host as a long (one synchronisation). */
  public static long readLong(NDArray array) {
    COUNT.get()[0]++;
    return array.getLong();
  }

  /** Read-backs this thread has made so far. */
  public static long count() {
    return COUNT.get()[0];
  }
}
