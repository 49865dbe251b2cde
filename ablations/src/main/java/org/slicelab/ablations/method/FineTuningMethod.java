package org.slicelab.ablations.method;

import java.util.List;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.train.Trainable;

/**
 * A way of fine-tuning: which tensors train and how. Lifecycle: {@link #attach} once (freeze,
 * add adapters, select indices), then training steps on {@link #trainables()}, then
 * {@link #merge} so the model is a plain backbone-shaped model again (as PEFT's
 * {@code merge_and_unload}).
 */
public interface FineTuningMethod {

  /** Prepares {@code model} for training under this method. */
  void attach(TextClassifier model, MethodContext context);

  /** What the optimizer updates now. */
  List<Trainable> trainables();

  /**
   * Whether the method must see full gradients of one batch before training starts (SIFT's
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

  /** Folds every trained increment into the model's weights and removes adapters. */
  void merge(TextClassifier model);

  /** Trainable scalars (for moving slices: per slice at any one time). */
  default long trainableParameterCount() {
    return trainables().stream().mapToLong(Trainable::size).sum();
  }
}
