package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a scalar that is safe inside a recorded autograd graph and costs no host-to-device
 * copy.
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
 *
 * <p>On a GPU the same DJL call is also a blocking upload: the temporary array is made on the
 * host and copied to the device, and torch waits for that copy. {@code torch::full} instead fills
 * the scalar on the device with an asynchronous kernel. So the packages a training step runs
 * through never pass a {@code Number} to an {@code NDArray} operation
 * ({@code NoScalarUploadsTest} enforces it); they come here, or take a scalar made once with
 * {@link #like}.
 */
public final class Scalars {
  private Scalars() {
  }

  /** {@code x * value}, safe to differentiate. */
  public static NDArray multiply(NDArray x, float value) {
    return withScalar(x, value, NDArray::mul);
  }

  /** {@code x *= value} in place, safe to differentiate; returns {@code x}. */
  public static NDArray multiplyInPlace(NDArray x, float value) {
    return withScalar(x, value, NDArray::muli);
  }

  /** {@code x / value}, safe to differentiate. */
  public static NDArray divide(NDArray x, float value) {
    return withScalar(x, value, NDArray::div);
  }

  /** {@code x + value}, safe to differentiate. */
  public static NDArray add(NDArray x, float value) {
    return withScalar(x, value, NDArray::add);
  }

  /** {@code max(x, value)} element-wise. */
  public static NDArray maximum(NDArray x, float value) {
    return withScalar(x, value, NDArray::maximum);
  }

  /**
   * A 0-dimensional array holding {@code value}, with {@code x}'s type, on {@code x}'s device,
   * in {@code x}'s manager: for a scalar used many times (close it, or its manager, after use).
   */
  public static NDArray like(NDArray x, float value) {
    return x.getManager().full(new Shape(), value, x.getDataType());
  }

  /** {@code op(x, scalar)} with a device scalar closed afterwards. */
  private static NDArray withScalar(NDArray x, float value, BinaryOperator<NDArray> op) {
    try (NDArray scalar = like(x, value)) {
      return op.apply(x, scalar);
    }
  }
}
