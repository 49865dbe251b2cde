package org.slicelab.ablations.testing;

import ai.djl.ndarray.NDManager;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;

/**
 * A tiny model with a method attached and its data, whatever the architecture
 * ({@link MethodHarness} for text, {@link VisionHarness} for images), for tests that hold for
 * every model.
 */
public interface TrainingHarness extends AutoCloseable {
  /** The model, method attached. */
  Classifier model();

  /** The training examples. */
  Examples data();

  /** The manager owning the model's arrays. */
  NDManager manager();

  /** The attached method. */
  FineTuningMethod method();

  @Override
  void close();
}
