package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;

/** What {@code NoScalarUploadsTest}'s rule must flag: a Number operand in the train package. */
public final class ScalarUploadExample {
  private ScalarUploadExample() {
  }

  public static NDArray halve(NDArray x) {
    return x.mul(0.5f);
  }
}
