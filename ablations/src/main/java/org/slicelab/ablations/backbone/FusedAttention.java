package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;

/**
 * Multi-head attention {@code softmax(q k^T / sqrt(d) + mask) v} through torch's fused
 * {@code scaled_dot_product_attention} (flash attention on CPU), which DJL does not bind: a
 * parameter-free TorchScript module ({@code attention.pt}, made by
 * {@code ablations/src/main/torchscript/make_attention.py}) calls it. The [length, length] score
 * matrix is never materialised, forward or backward, which is what the Hugging Face peer runs
 * too. The module is loaded once per JVM and runs on whatever device its inputs are on; autograd
 * follows the caller's gradient mode.
 */
public final class FusedAttention {
  private static final String RESOURCE = "attention.pt";

  private FusedAttention() {
  }

  /**
   * The attention context [B, H, L, d] of q, k, v [B, H, L, d]; {@code maskBias} is an additive
   * mask broadcastable to [B, H, L, L], or null when no token is padding.
   */
  public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray maskBias) {
    NDManager manager = q.getManager();
    NDArray mask = maskBias != null ? maskBias : manager.create(new Shape(0));
    NDList inputs = new NDList(q, k, v, mask);
    // training = true: autograd follows the caller's mode (false would force it off)
    return Loaded.MODULE.forward(new ParameterStore(manager, false), inputs, true)
        .singletonOrThrow();
  }

  /** Loads the module on first use (the JVM's class initialisation makes that thread-safe). */
  private static final class Loaded {
    static final PtSymbolBlock MODULE = TorchScriptModules.load(FusedAttention.class, RESOURCE);
  }
}
