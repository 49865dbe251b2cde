package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import org.slicelab.ablations.backbone.TorchScriptModules;

/**
 * One AdamW step on one tensor through torch's fused kernel ({@code _fused_adamw_}: parameter,
 * gradient and both moments in a single pass), which DJL does not bind: a parameter-free
 * TorchScript module ({@code adamw.pt}, made and checked against {@code torch.optim.AdamW} by
 * {@code ablations/src/main/torchscript/make_adamw.py}) calls it. {@link AdamW} uses it for
 * arrays trained as a whole; the same update as DJL element-wise operations takes about 32
 * passes over the array.
 */
final class FusedAdamW {
  private static final String RESOURCE = "adamw.pt";

  private FusedAdamW() {
  }

  /**
   * The step's settings as the module reads them, built once per optimizer step and shared by
   * every tensor of it; the gradient enters the update multiplied by {@code clipFactor}, and
   * {@code step} counts from 1 (bias corrections).
   */
  static NDArray settings(NDManager manager, double lr, float beta1, float beta2, float eps,
      double weightDecay, int step, double clipFactor) {
    return manager.create(new float[] {(float) lr, beta1, beta2, eps, (float) weightDecay, step,
        (float) clipFactor});
  }

  /** Updates {@code param}, {@code firstMoment} and {@code secondMoment} in place. */
  static void step(NDArray param, NDArray gradient, NDArray firstMoment, NDArray secondMoment,
      NDArray settings) {
    // unnamed views: DJL passes a named array (parameters are named) to TorchScript as a dict
    try (NDArray p = view(param); NDArray g = view(gradient); NDArray m = view(firstMoment);
        NDArray v = view(secondMoment)) {
      // training = false: no autograd while the parameter is written in place
      NDList out = Loaded.MODULE.forward(new ParameterStore(param.getManager(), false),
          new NDList(p, g, m, v, settings), false);
      out.close(); // a second handle on the updated parameter
    }
  }

  private static NDArray view(NDArray array) {
    return array.reshape(array.getShape());
  }

  /** Loads the module on first use (the JVM's class initialisation makes that thread-safe). */
  private static final class Loaded {
    static final PtSymbolBlock MODULE = TorchScriptModules.load(FusedAdamW.class, RESOURCE);
  }
}
