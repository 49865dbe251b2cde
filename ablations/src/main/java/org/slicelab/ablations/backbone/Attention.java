package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Multi-head attention {@code softmax(q k^T / sqrt(d) + mask) v}, by whichever of two exact
 * forms is faster where it runs (they differ only in float rounding):
 * <ul>
 *   <li>the fused kernel ({@link FusedAttention}): on a GPU, on a CPU thread with one intra-op
 *       thread, and for sequences longer than {@link #LONGEST_EXPLICIT} tokens;</li>
 *   <li>the products written out (scores, softmax, weighted values) otherwise. libtorch 2.5.1's
 *       CPU flash attention gets slower, not faster, with a second thread; measured at 128
 *       tokens and 2 threads the explicit form took 0.65-0.70x its time, forward and backward,
 *       while at 1 thread the fused kernel is 15-25% faster (docs/benchmarks.md, "Attention at
 *       two threads"). Autograd keeps its [L, L] probabilities for the backward pass (25 MB per
 *       layer at 256 tokens x 2,048 tokens in a batch; measured +120-160 MiB of training peak
 *       for MiniLM at 128 tokens).</li>
 * </ul>
 */
public final class Attention {
  /** The longest sequence the explicit form is used for (at 512 tokens both are as fast). */
  public static final long LONGEST_EXPLICIT = 256;

  private Attention() {
  }

  /**
   * The attention context [B, H, L, d] of q, k, v [B, H, L, d]; {@code maskBias} is an additive
   * mask broadcastable to [B, H, L, L], or null when no token is padding. Autograd follows the
   * caller's recording mode.
   */
  public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray maskBias) {
    boolean fused = usesFusedKernel(q.getDevice().isGpu(), JniUtils.getNumThreads(),
        q.getShape().get(2));
    return fused ? FusedAttention.apply(q, k, v, maskBias) : explicit(q, k, v, maskBias);
  }

  /** The rule of {@link #apply}: true where the fused kernel is the faster form. */
  static boolean usesFusedKernel(boolean gpu, int intraOpThreads, long length) {
    return gpu || intraOpThreads <= 1 || length > LONGEST_EXPLICIT;
  }

  /**
   * The products written out; scaling and mask go into the scores in place. The scores and
   * probabilities are closed as soon as they are used: Java handles would otherwise keep both
   * [B, H, L, L] arrays of every layer until the step ends (measured: +160-230 MiB of native
   * peak at 128 tokens). Autograd holds its own references to what the backward pass needs,
   * which is why the scale is a torch-allocated scalar ({@link Scalars}): DJL's
   * {@code muli(float)} would leave autograd a scalar in a Java buffer that the next garbage
   * collection frees, and the backward pass would read freed memory (NaN gradients in about one
   * benchmark run of six at two threads; {@code GraphMemorySafetyTest}).
   */
  static NDArray explicit(NDArray q, NDArray k, NDArray v, NDArray maskBias) {
    NDArray probabilities;
    try (NDArray keysT = k.transpose(0, 1, 3, 2); NDArray scores = q.matMul(keysT)) {
      // not scores.muli(float): autograd saves the scale, which must not be a Java buffer
      Scalars.multiplyInPlace(scores, (float) (1 / Math.sqrt(q.getShape().get(3))));
      if (maskBias != null) {
        scores.addi(maskBias);
      }
      probabilities = scores.softmax(-1);
    }
    try (probabilities) {
      return probabilities.matMul(v);
    }
  }
}
