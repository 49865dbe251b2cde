package org.slicelab.ablations.select;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.train.TrainingTarget;

/**
 * Full fine-tuning under a fixed pruning mask, as one round of lottery-ticket pruning runs it
 * ({@link IterativeMagnitudePruning}). The fine-tuning methods implement it
 * ({@code org.slicelab.ablations.method.MaskedFullFineTuning}) and hand it to selectors through
 * their {@link SelectionContext}, so selection does not depend on the methods.
 */
public interface MaskedTraining {

  /** Peak learning rate of the fine-tuning (part of a mask's cache key). */
  double learningRate();

  /**
   * Prepares {@code model} to train every parameter while the entries of {@code weights} stay zero
   * where {@code masks} (same shapes, 0 or 1) is 0, after every optimizer step.
   */
  TrainingTarget attach(Classifier model, List<NDArray> weights, List<NDArray> masks);
}
