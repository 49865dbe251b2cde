package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;

/**
 * Batched inference with autograd off, returning accuracy, macro-F1 and loss, and (through
 * {@link #predict}) the prediction and margin of every example.
 */
public final class Evaluator {
  private Evaluator() {
  }

  /** Evaluates {@code model} on {@code data} in batches of {@code batchSize}. */
  public static ClassificationMetrics evaluate(Classifier model, Examples data,
      int batchSize, NDManager manager) {
    return predict(model, data, batchSize, manager).metrics();
  }

  /** Evaluates and keeps the per-example predictions and margins (data order). */
  public static Evaluation predict(Classifier model, Examples data, int batchSize,
      NDManager manager) {
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try {
      int[] predicted = new int[data.size()];
      float[] margins = new float[data.size()];
      double lossSum = 0;
      for (int from = 0; from < data.size(); from += batchSize) {
        int to = Math.min(data.size(), from + batchSize);
        try (NDScope scope = new NDScope()) {
          NDList batch = data.range(from, to).toArrays(manager);
          NDArray logits = model.logits(Examples.inputs(batch));
          lossSum += Losses.crossEntropy(logits, Examples.labels(batch)).sum().getFloat();
          long[] argmax = logits.argMax(1).toLongArray();
          int classes = (int) logits.getShape().get(1);
          float[] values = logits.toFloatArray();
          for (int i = 0; i < argmax.length; i++) {
            predicted[from + i] = (int) argmax[i];
            margins[from + i] = margin(values, i * classes, classes, (int) argmax[i]);
          }
          scope.suppressNotUsedWarning();
        }
      }
      return new Evaluation(ClassificationMetrics.of(predicted, data.labels(),
          model.head().units(org.slicelab.ablations.model.SliceAxis.ROW), lossSum), predicted, margins);
    } finally {
      Autograd.setRecording(recording);
    }
  }

  private static float margin(float[] logits, int offset, int classes, int best) {
    float other = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      if (c != best) {
        other = Math.max(other, logits[offset + c]);
      }
    }
    return classes < 2 ? 0f : logits[offset + best] - other;
  }
}
