package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;

/**
 * A tensor the optimizer updates. Most are plain arrays with autograd gradients
 * ({@link DenseTrainable}); sparse methods (SIFT) gather the gradient of a larger tensor.
 */
public interface Trainable {

  /** A name for logs and state accounting. */
  String name();

  /** Number of trainable scalars. */
  long size();

  /** The gradient of the loss with respect to this tensor, after a backward pass. */
  NDArray gradient();

  /** The values weight decay pulls towards zero (the effective weights, not an increment). */
  NDArray decayTarget();

  /** Adds {@code delta} to the values, in place (called with autograd recording off). */
  void update(NDArray delta);

  /** Clears accumulated gradients. */
  void zeroGradient();
}
