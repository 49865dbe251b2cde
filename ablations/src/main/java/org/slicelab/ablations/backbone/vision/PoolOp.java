package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * Keras {@code AveragePooling2D} / {@code MaxPooling2D} on NCHW maps, with TensorFlow's
 * {@code 'same'} semantics: padded positions never win a max, and an average divides by the
 * number of real (unpadded) positions in its window. Max pooling with symmetric padding goes
 * through PyTorch's padding argument, otherwise the input is padded with -inf. A padded average
 * is a zero-padded sum divided by a zero-padded count of ones (DJL 0.32's PyTorch average pool
 * counts padded positions even when told not to: measured in SamePaddingTest).
 */
final class PoolOp implements GraphOp {
  private final PoolSpec spec;

  PoolOp(PoolSpec spec) {
    this.spec = spec;
  }

  @Override
  public NDArray apply(List<NDArray> inputs) {
    NDArray x = inputs.get(0);
    Padding2d padding = spec.padding((int) x.getShape().get(2), (int) x.getShape().get(3));
    Shape kernel = new Shape(spec.size()[0], spec.size()[1]);
    Shape stride = new Shape(spec.stride()[0], spec.stride()[1]);
    boolean torchPadding = padding.symmetric() && padding.top() <= spec.size()[0] / 2
        && padding.left() <= spec.size()[1] / 2;
    if (spec.max()) {
      return torchPadding ? Pool.maxPool2d(x, kernel, stride, padding.symmetricShape(), false)
          : Pool.maxPool2d(padding.apply(x, Double.NEGATIVE_INFINITY), kernel, stride,
              new Shape(0, 0), false);
    }
    if (padding.isNone()) {
      return Pool.avgPool2d(x, kernel, stride, new Shape(0, 0), false, true);
    }
    NDArray sums = Pool.avgPool2d(padding.apply(x, 0), kernel, stride, new Shape(0, 0), false,
        true);
    NDArray ones = x.getManager().ones(new Shape(1, 1, x.getShape().get(2), x.getShape().get(3)),
        x.getDataType());
    NDArray counts = Pool.avgPool2d(padding.apply(ones, 0), kernel, stride, new Shape(0, 0),
        false, true);
    return sums.div(counts);
  }
}
