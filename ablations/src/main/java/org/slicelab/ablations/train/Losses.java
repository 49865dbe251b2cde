package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Loss functions on logits. */
public final class Losses {
  private Losses() {
  }

  /** Per-example cross-entropy [B] of logits [B, C] against integer labels [B]. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    int classes = (int) logits.getShape().get(1);
    NDArray oneHot = labels.toType(DataType.INT64, false).oneHot(classes);
    return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {1}).neg();
  }
}
