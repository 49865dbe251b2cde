package org.slicelab.ablations.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.slicelab.ablations.backbone.CudaRuntime;

/**
 * Per-thread autograd on the PyTorch engine.
 *
 * <p>DJL's {@code GradientCollector} uses one JVM-wide flag, so two Spark tasks training at once
 * in one executor would collide. PyTorch's grad mode is per thread; this class drives it and the
 * backward pass directly, so each task thread trains independently.
 */
public final class Autograd {
  static {
    // before DJL looks for a CUDA runtime (a no-op with the CPU natives)
    CudaRuntime.exposeBundled();
    Engine.getEngine("PyTorch");
  }

  private Autograd() {
  }

  /** Loads the PyTorch engine (idempotent). */
  public static void ensureEngine() {
    // the static initialiser does the work
  }

  /** Turns recording of the autograd graph on or off for the calling thread. */
  public static void setRecording(boolean on) {
    JniUtils.setGradMode(on);
  }

  /** Whether the calling thread records the autograd graph. */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
  }

  /** Back-propagates a scalar loss into the gradients of every array that requires one. */
  public static void backward(NDArray loss) {
    try (NDArray seed = loss.onesLike()) {
      JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
    }
  }

  /** Zeroes an array's accumulated gradient, if it has one. */
  public static void zeroGradient(NDArray array) {
    if (array.hasGradient()) {
      JniUtils.zeroGrad((PtNDArray) array);
    }
  }
}
