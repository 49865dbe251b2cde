package org.slicelab.ablations.model;

import ai.djl.ndarray.NDManager;

/**
 * Builds a fresh classifier from a backbone's pretrained (or control) weights: the trial's own
 * model, and the rewound copies of lottery-ticket rounds.
 */
@FunctionalInterface
public interface ClassifierFactory {

  /**
   * A classifier with its arrays in {@code manager} and a fresh head of {@code numClasses}
   * outputs drawn with {@code headSeed}.
   */
  Classifier create(NDManager manager, int numClasses, long headSeed);
}
