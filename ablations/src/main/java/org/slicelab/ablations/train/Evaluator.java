package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.slicelab.ablations.backbone.TextClassifier;

/** Batched inference with autograd off, returning accuracy, macro-F1 and loss. */
public final class Evaluator {
  private Evaluator() {
  }

  /** Evaluates {@code model} on {@code data} in batches of {@code batchSize}. */
  public static ClassificationMetrics evaluate(TextClassifier model, EncodedDataset data,
      int batchSize, NDManager manager) {
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try {
      int[] predicted = new int[data.size()];
      double lossSum = 0;
      for (int from = 0; from < data.size(); from += batchSize) {
        int to = Math.min(data.size(), from + batchSize);
        try (NDScope scope = new NDScope()) {
          NDList batch = data.range(from, to).toArrays(manager);
          NDArray logits = model.logits(batch.get(0), batch.get(1), batch.get(2));
          lossSum += Losses.crossEntropy(logits, batch.get(3)).sum().getFloat();
          long[] argmax = logits.argMax(1).toLongArray();
          for (int i = 0; i < argmax.length; i++) {
            predicted[from + i] = (int) argmax[i];
          }
          scope.suppressNotUsedWarning();
        }
      }
      return ClassificationMetrics.of(predicted, data.labels(),
          model.head().outFeatures(), lossSum);
    } finally {
      Autograd.setRecording(recording);
    }
  }
}
