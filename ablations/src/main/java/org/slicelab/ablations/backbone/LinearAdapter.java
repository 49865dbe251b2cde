package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;

/**
 * A trainable addition to a frozen {@link LinearLayer}: given the layer input {@code x} and the
 * frozen output {@code y = x W^T + b}, returns the adapted output. SliceFine slices, LoRA and
 * similar methods are adapters; {@link #mergeInto(LinearLayer)} folds the adapter into the
 * layer's weight so that no extra parameter remains.
 */
public interface LinearAdapter {

  /** The adapted output for input {@code x} and frozen output {@code y}. */
  NDArray apply(NDArray x, NDArray y);

  /** Adds this adapter's contribution into the layer's weight (in place, grad mode off). */
  void mergeInto(LinearLayer layer);
}
