package org.slicelab.ablations.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.Serializable;

/**
 * Labelled examples ready for batching, whatever the modality (tokenized texts, preprocessed
 * images): plain Java arrays, so they can be cached per JVM, plus their upload as model inputs.
 */
public interface Examples extends Serializable {

  /** Number of examples. */
  int size();

  /** Class ids, one per example. */
  int[] labels();

  /** A subset by example indices, in that order. */
  Examples select(int[] indices);

  /** Examples {@code from} (inclusive) to {@code to} (exclusive). */
  default Examples range(int from, int to) {
    int[] idx = new int[to - from];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = from + i;
    }
    return select(idx);
  }

  /**
   * The examples as arrays in {@code manager}: the model inputs (as {@link Classifier#logits}
   * takes them), then the labels as the last array.
   */
  NDList toArrays(NDManager manager);

  /** The model inputs of an upload from {@link #toArrays} (every array but the last). */
  static NDList inputs(NDList arrays) {
    return new NDList(arrays.subList(0, arrays.size() - 1));
  }

  /** The labels of an upload from {@link #toArrays} (the last array). */
  static NDArray labels(NDList arrays) {
    return arrays.get(arrays.size() - 1);
  }
}
