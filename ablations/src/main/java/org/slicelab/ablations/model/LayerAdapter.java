package org.slicelab.ablations.model;

import ai.djl.ndarray.NDArray;

/**
 * A trainable addition to a frozen {@link WeightLayer}: given the layer input {@code x} and the
 * frozen output {@code y}, returns the adapted output. SliceFine slices, LoRA and calibration
 * recorders are adapters; {@link #mergeInto} folds the adapter into the layer's weight so that no
 * extra parameter remains.
 */
public interface LayerAdapter {

  /** The adapted output for input {@code x} and frozen output {@code y}. */
  NDArray apply(NDArray x, NDArray y);

  /**
   * The weight form of this adapter, for layers that run adapters inside their own operation:
   * {@code weight} plus this adapter's contribution, as an expression of its trainables (so
   * autograd reaches them through the layer's weight gradient), such that
   * {@code product(x, foldedWeight(W)) == apply(x, product(x, W))} up to float rounding. Null
   * (the default) when the adapter has only the output form {@link #apply}; it must not depend
   * on the output then, and it may not be applied in order with weight-form adapters (layers
   * fold first). Convolutions fold; Linear layers always use the output form.
   */
  default NDArray foldedWeight(NDArray weight) {
    return null;
  }

  /** Adds this adapter's contribution into the layer's weight (in place, grad mode off). */
  void mergeInto(WeightLayer layer);
}
