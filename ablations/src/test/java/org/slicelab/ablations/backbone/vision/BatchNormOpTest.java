package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.train.Autograd;

/**
 * A frozen batch norm's folded scale and shift are computed once, outlive the step's scope
 * that computed them, and are dropped while gamma trains (then read again from its new values).
 */
class BatchNormOpTest {
  @Test
  void frozenScaleAndShiftAreKeptUntilTheLayerTrains() {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray gamma = manager.create(new float[] {2f, 0.5f});
      NDArray beta = manager.create(new float[] {1f, -1f});
      NDArray mean = manager.create(new float[] {0.5f, 2f});
      NDArray variance = manager.create(new float[] {3f, 0.25f});
      BatchNormOp bn = new BatchNormOp(gamma, beta, mean, variance, 1f);
      NDArray[] first;
      try (NDScope step = new NDScope()) {
        first = bn.frozenScaleShift();
        step.suppressNotUsedWarning();
      }
      // scale = gamma / sqrt(var + eps), shift = beta - mean * scale
      assertArrayEquals(new float[] {1f, 0.5f / (float) Math.sqrt(1.25)}, first[0].toFloatArray(),
          1e-6f, "usable after the step's scope closed");
      assertArrayEquals(new float[] {0.5f, -1f - 2f * 0.5f / (float) Math.sqrt(1.25)},
          first[1].toFloatArray(), 1e-6f);
      assertSame(first, bn.frozenScaleShift(), "computed once");

      gamma.setRequiresGradient(true);
      assertNull(bn.frozenScaleShift(), "gamma trains: not folded");
      gamma.setRequiresGradient(false);
      gamma.set(new float[] {4f, 1f});
      NDArray[] again = bn.frozenScaleShift();
      assertNotSame(first, again);
      assertArrayEquals(new float[] {2f, 1f / (float) Math.sqrt(1.25)}, again[0].toFloatArray(),
          1e-6f, "read again from the trained gamma");
    }
  }
}
