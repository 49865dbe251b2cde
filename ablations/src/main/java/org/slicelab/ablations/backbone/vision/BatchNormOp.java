package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import org.slicelab.ablations.backbone.Scalars;

/**
 * Keras {@code BatchNormalization} in inference mode, always: {@code (x - mean) / sqrt(var + eps)
 * * gamma + beta} per channel (axis 1) with the pretrained running statistics. Gamma and beta are
 * parameters when the layer has them ({@code scale} / {@code center} true), else constants one
 * and zero; the running mean and variance are buffers, never trained.
 *
 * <p>In inference mode the layer is a per-channel affine map {@code x * scale + shift}; while
 * gamma and beta are frozen ({@link #frozen}) a convolution before it folds that map into its
 * kernel ({@link ConvLayer#forwardScaled}), so the network runs no batch-norm pass at all, forward
 * or backward.
 */
final class BatchNormOp implements GraphOp {
  private final NDArray gamma;
  private final NDArray beta;
  private final NDArray mean;
  private final NDArray variance;
  private final float epsilon;
  private NDArray[] cached;

  /** Missing gamma / beta (null) become ones / zeros. */
  BatchNormOp(NDArray gamma, NDArray beta, NDArray mean, NDArray variance, float epsilon) {
    this.gamma = gamma != null ? gamma : mean.onesLike();
    this.beta = beta != null ? beta : mean.zerosLike();
    this.mean = mean;
    this.variance = variance;
    this.epsilon = epsilon;
  }

  @Override
  public NDArray apply(List<NDArray> inputs) {
    // axis -1 is DJL's direct call of torch's batch_norm, which normalises axis 1 (channels);
    // any other axis is swapped to 1 and back, two more graph nodes even for axis 1 itself
    return BatchNorm.batchNorm(inputs.get(0), mean, variance, gamma, beta, -1, 0f, epsilon,
        false).singletonOrThrow();
  }

  /** Whether gamma and beta are constants now (no gradient requested: every method but full). */
  boolean frozen() {
    return !gamma.hasGradient() && !beta.hasGradient();
  }

  /**
   * {@code {scale, shift}} while the layer is frozen, computed once and kept (they depend on its
   * constants only; recomputing them took five small ops per layer and step), else null. The
   * kept pair belongs to the layer's arrays' manager, not to a step's scope; it is dropped as
   * soon as the layer is not frozen (gamma or beta train), so values trained meanwhile are
   * read again when it is frozen later.
   */
  NDArray[] frozenScaleShift() {
    if (!frozen()) {
      if (cached != null) {
        cached[0].close();
        cached[1].close();
        cached = null;
      }
      return null;
    }
    if (cached == null) {
      NDArray scale = scale();
      NDArray shift = shift(scale);
      NDScope.unregister(scale, shift);
      cached = new NDArray[] {scale, shift};
    }
    return cached;
  }

  /** The per-channel factor {@code gamma / sqrt(var + eps)}. */
  NDArray scale() {
    return gamma.div(Scalars.add(variance, epsilon).sqrt());
  }

  /** The per-channel offset {@code beta - mean * scale}, given {@link #scale()}. */
  NDArray shift(NDArray scale) {
    return beta.sub(mean.mul(scale));
  }
}
