package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;

/** What {@code NoScalarUploadsTest}'s rule must flag: a Number operand in the train package. */
public final class ScalarUploadExample {
  private ScalarUploadExample() {
  }

  public static NDArray halve(NDArray x) {
    return x.mul(0.5f);
  }

  /** The same through the engine's own class, whose relation to NDArray ArchUnit does not see. */
  public static NDArray halveOnPyTorch(PtNDArray x) {
    return x.mul(0.5f);
  }
}
