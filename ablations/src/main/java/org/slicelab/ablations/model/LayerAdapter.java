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

  /** Adds this adapter's contribution into the layer's weight (in place, grad mode off). */
  void mergeInto(WeightLayer layer);
}
