package org.slicelab.ablations.method;

import org.slicelab.ablations.model.Architecture;

/**
 * The settings of one fine-tuning method, read from a trial's options (each method's record
 * declares its options, defaults and help next to its fields; see {@link MethodType}).
 */
public interface MethodSettings {

  /**
   * Checks the settings against a backbone's shapes before anything runs; throws
   * {@link IllegalArgumentException} naming the option when they do not fit.
   *
   * @param architecture the backbone's weight layers and feature width
   * @param numClasses outputs of the classifier head
   */
  default void checkShapes(Architecture architecture, int numClasses) {
  }

  /** How the backbone's weight layers train under these settings (for cost models). */
  LinearTraining linearTraining();

  /** Settings of a method that has no options of its own. */
  record None(LinearTraining linearTraining) implements MethodSettings {
  }
}
