package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * Keras {@code BatchNormalization} in inference mode, always: {@code (x - mean) / sqrt(var + eps)
 * * gamma + beta} per channel (axis 1) with the pretrained running statistics. Gamma and beta are
 * parameters when the layer has them ({@code scale} / {@code center} true), else constants one
 * and zero; the running mean and variance are buffers, never trained.
 */
final class BatchNormOp implements GraphOp {
  private final NDArray gamma;
  private final NDArray beta;
  private final NDArray mean;
  private final NDArray variance;
  private final float epsilon;

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
    return BatchNorm.batchNorm(inputs.get(0), mean, variance, gamma, beta, 1, 0f, epsilon, false)
        .singletonOrThrow();
  }
}
