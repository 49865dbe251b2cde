package org.slicelab.ablations.bench;

import ai.djl.pytorch.jni.JniUtils;

/**
 * The torch intra-op thread count of the bench's thread, set only when it changes. A change
 * costs the next step dearly (libtorch 2.5.1, MobileNetV2 at 64 px: +15-20 ms on a 15 ms
 * 2-thread forward, measured 2026-12-07), and setting even the same count again is not free;
 * trials set it once. So the bench sets it only on a change and settles the change with an
 * untimed step.
 */
final class TorchThreads {
  private int current = -1;

  /** Uses {@code threads} from now on; true when that changed the count (settle it first). */
  boolean use(int threads) {
    if (threads == current) {
      return false;
    }
    JniUtils.setNumThreads(threads);
    current = threads;
    return true;
  }
}
