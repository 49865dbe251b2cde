package org.slicelab.ablations.method;

import java.util.List;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.train.TrainingTarget;

/**
 * A way of fine-tuning: which tensors train and how. Lifecycle: {@link #attach} once (freeze,
 * add adapters, select indices), then training steps on {@link #trainables()} (the loop's hooks
 * are those of {@link TrainingTarget}), then {@link #merge} so the model is a plain
 * backbone-shaped model again (as PEFT's {@code merge_and_unload}).
 */
public interface FineTuningMethod extends TrainingTarget {

  /** Prepares {@code model} for training under this method. */
  void attach(Classifier model, MethodContext context);

  /** Folds every trained increment into the model's weights and removes adapters. */
  void merge(Classifier model);

  /** Trainable scalars (for moving slices: per slice at any one time). */
  default long trainableParameterCount() {
    return trainables().stream().mapToLong(Trainable::size).sum();
  }
}
