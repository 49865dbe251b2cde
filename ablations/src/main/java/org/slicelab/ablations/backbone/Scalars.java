package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a scalar that is safe inside a recorded autograd graph.
 *
 * <p>DJL's {@code x.mul(2f)} / {@code x.div(2f)} on the PyTorch engine wrap the number in a
 * temporary array whose memory is a Java direct buffer ({@code from_blob}) and close it at once.
 * PyTorch saves that scalar for the backward pass of {@code mul}/{@code div}; once the JVM's
 * garbage collector frees the buffer, the backward pass reads freed memory and the gradients
 * turn to NaN or garbage (seen as "diverged at step 2" whenever a collection ran mid-step, which
 * is common when two trials share an executor). The scalars made here are allocated by PyTorch
 * itself ({@code torch::full}), so the graph owns them and closing the Java handle is safe.
 * Every number that enters a recorded graph goes through here: the explicit attention's
 * {@code muli(float)} once did not, and gave NaN gradients at two torch threads
 * ({@code GraphMemorySafetyTest} checks every method's step for such memory).
 */
public final class Scalars {
  private Scalars() {
  }

  /** {@code x * value}, safe to differentiate. */
  public static NDArray multiply(NDArray x, float value) {
    try (NDArray scalar = scalarLike(x, value)) {
      return x.mul(scalar);
    }
  }

  /** {@code x *= value} in place, safe to differentiate; returns {@code x}. */
  public static NDArray multiplyInPlace(NDArray x, float value) {
    try (NDArray scalar = scalarLike(x, value)) {
      return x.muli(scalar);
    }
  }

  /** {@code x / value}, safe to differentiate. */
  public static NDArray divide(NDArray x, float value) {
    try (NDArray scalar = scalarLike(x, value)) {
      return x.div(scalar);
    }
  }

  private static NDArray scalarLike(NDArray x, float value) {
    return x.getManager().full(new Shape(), value, x.getDataType());
  }
}
