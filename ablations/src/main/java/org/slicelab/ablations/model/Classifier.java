package org.slicelab.ablations.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Map;

/**
 * A pretrained backbone with a fresh classification head, as fine-tuning methods see it: its
 * targetable weight layers (encoder Linears, convolutions), the head (a Linear named
 * {@value #HEAD} on pooled features), every trainable parameter, and logits for a batch.
 * Text encoders and convolutional networks are two implementations; no method names either.
 */
public interface Classifier {
  /** Name of the head layer. */
  String HEAD = "classifier";

  /** The backbone's weight layers a method may target (the head excluded), in model order. */
  List<? extends WeightLayer> weightLayers();

  /** The names {@code targets} selects by default: every weight layer of the backbone. */
  default List<String> defaultTargets() {
    return weightLayers().stream().map(WeightLayer::name).toList();
  }

  /** The classification head. */
  WeightLayer head();

  /**
   * Every trainable parameter by name, the head's last (full fine-tuning trains these; buffers
   * such as batch-norm running statistics are not parameters).
   */
  Map<String, NDArray> parameters();

  /** Total number of parameters (adapters excluded). */
  default long parameterCount() {
    return parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** Class logits [B, classes] for the model inputs of {@link Examples#toArrays} (labels cut). */
  NDArray logits(NDList inputs);

  /**
   * Multiplies the calibration statistic of {@link WeightLayer#inputUnitSquares} by this mask
   * (text: the attention mask, so padding tokens are excluded); null when every position counts.
   */
  default NDArray calibrationMask(NDList inputs) {
    return null;
  }
}
