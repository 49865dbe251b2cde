package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.Losses;

/**
 * The step-0 gradient of the training loss with respect to whole weights, as SIFT's probe takes
 * it: the model as built (fresh head), each targeted weight requiring a gradient, one backward
 * pass per batch of the mean cross-entropy over all {@code examples} (each batch's summed loss
 * divided by the number of examples, so the accumulated gradient is that of the mean), no
 * update. The weights stop requiring gradients afterwards.
 */
public final class GradientProbe {
  private GradientProbe() {
  }

  /**
   * The gradient of the mean loss over {@code examples} for each of {@code layers}' weights, as
   * float64 matrices by layer name (in {@code manager}).
   */
  public static Map<String, SliceMatrix> gradients(Classifier model,
      List<? extends WeightLayer> layers, Examples examples, int batchSize, NDManager manager) {
    Autograd.ensureEngine();
    for (WeightLayer layer : layers) {
      layer.weight().setRequiresGradient(true);
    }
    try {
      for (int from = 0; from < examples.size(); from += batchSize) {
        int to = Math.min(examples.size(), from + batchSize);
        try (NDScope scope = new NDScope()) {
          NDList arrays = examples.range(from, to).toArrays(manager);
          Autograd.setRecording(true);
          try {
            NDArray loss = Losses.crossEntropy(model.logits(Examples.inputs(arrays)),
                Examples.labels(arrays)).sum().div(examples.size());
            Autograd.backward(loss);
          } finally {
            Autograd.setRecording(false);
          }
          scope.suppressNotUsedWarning();
        }
      }
      Map<String, SliceMatrix> out = new LinkedHashMap<>();
      for (WeightLayer layer : layers) {
        NDArray gradient = layer.weight().getGradient().duplicate();
        gradient.attach(manager);
        out.put(layer.name(), SliceMatrix.of(layer, gradient));
      }
      return out;
    } finally {
      for (WeightLayer layer : layers) {
        layer.weight().setRequiresGradient(false);
      }
    }
  }
}
