package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import org.slicelab.ablations.backbone.TorchScriptModules;

/**
 * One AdamW step on one tensor through torch's fused kernel ({@code _fused_adamw_}: parameter,
 * gradient and both moments in a single pass), which DJL does not bind: a parameter-free
 * TorchScript module ({@code adamw.pt}, made and checked against {@code torch.optim.AdamW} by
 * {@code ablations/src/main/torchscript/make_adamw.py}) calls it. The module reads its settings
 * from a host-side list and creates its step counter on the parameter's device (torch's CUDA
 * kernel reads it from device memory). {@link AdamW} uses it for
 * arrays trained as a whole; the same update as DJL element-wise operations takes about 32
 * passes over the array.
 */
final class FusedAdamW {
  private static final String RESOURCE = "adamw.pt";

  private FusedAdamW() {
  }

  /**
   * The step's settings as the module reads them: a host-side list shared by every tensor of an
   * optimizer step (no device upload or read-back); the gradient enters the update multiplied by
   * {@code clipFactor}, and {@code step} counts from 1 (bias corrections). Each value is rounded
   * to float32 first, as the module's earlier float32 settings tensor did, so CPU results stay
   * bit-identical.
   */
  static double[] settings(double lr, float beta1, float beta2, float eps, double weightDecay,
      int step, double clipFactor) {
    return new double[] {(float) lr, beta1, beta2, eps, (float) weightDecay, step,
        (float) clipFactor};
  }

  /**
   * Updates {@code param}, {@code firstMoment} and {@code secondMoment} in place (all on one
   * device; the module creates its own small tensors on that device).
   */
  static void step(NDArray param, NDArray gradient, NDArray firstMoment, NDArray secondMoment,
      double[] settings) {
    IValue[] inputs = {IValue.from((PtNDArray) param), IValue.from((PtNDArray) gradient),
        IValue.from((PtNDArray) firstMoment), IValue.from((PtNDArray) secondMoment),
        IValue.listFrom(settings)};
    try {
      // the module runs without autograd (DJL's method call is not a training call)
      Loaded.MODULE.forward(inputs).close(); // a second handle on the updated parameter
    } finally {
      for (IValue input : inputs) {
        input.close();
      }
    }
  }

  /** Loads the module on first use (the JVM's class initialisation makes that thread-safe). */
  private static final class Loaded {
    static final PtSymbolBlock MODULE = TorchScriptModules.load(FusedAdamW.class, RESOURCE);
  }
}
