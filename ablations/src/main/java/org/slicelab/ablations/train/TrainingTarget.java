package org.slicelab.ablations.train;

import java.util.List;

/**
 * What a training run updates, and the hooks the loop calls around its steps. Fine-tuning methods
 * implement it ({@code org.slicelab.ablations.method.FineTuningMethod}); it lives here so that
 * training does not depend on the methods.
 */
public interface TrainingTarget {

  /** What the optimizer updates now. */
  List<Trainable> trainables();

  /**
   * Whether the target must see full gradients of one batch before training starts (SIFT's
   * selection). The loop then runs a forward and backward pass without an update and calls
   * {@link #selectFromProbe()}.
   */
  default boolean needsProbeBatch() {
    return false;
  }

  /** Called after the probe batch's backward pass; gradients are zeroed afterwards. */
  default void selectFromProbe() {
  }

  /**
   * Called after optimizer step {@code stepsDone} (1-based). Returns true when the trainables
   * changed (moving slices): the loop then starts fresh optimizer state.
   */
  default boolean afterStep(int stepsDone) {
    return false;
  }
}
