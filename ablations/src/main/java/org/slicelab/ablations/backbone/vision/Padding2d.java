package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Zero (or other constant) padding of an NCHW tensor's two spatial axes, each side on its own.
 *
 * <p>{@link #same} is TensorFlow's {@code 'same'} padding: the output has {@code ceil(in / stride)}
 * positions, and the total padding {@code max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0)}
 * is split with the smaller half before and the larger half after. With a stride above 1 it is
 * often asymmetric (one more row at the bottom and column at the right), which PyTorch's
 * symmetric {@code padding} argument cannot express; {@link #apply} pads explicitly then.
 *
 * @param top rows added above
 * @param bottom rows added below
 * @param left columns added left
 * @param right columns added right
 */
public record Padding2d(int top, int bottom, int left, int right) {
  /** No padding. */
  public static final Padding2d NONE = new Padding2d(0, 0, 0, 0);

  /** TensorFlow 'same' padding for an input of {@code height x width}. */
  public static Padding2d same(int height, int width, int[] kernel, int[] stride, int[] dilation) {
    int[] h = sameAxis(height, kernel[0], stride[0], dilation[0]);
    int[] w = sameAxis(width, kernel[1], stride[1], dilation[1]);
    return new Padding2d(h[0], h[1], w[0], w[1]);
  }

  private static int[] sameAxis(int in, int kernel, int stride, int dilation) {
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
    return new int[] {total / 2, total - total / 2};
  }

  /** True when top equals bottom and left equals right (PyTorch's padding argument suffices). */
  public boolean symmetric() {
    return top == bottom && left == right;
  }

  /** The symmetric padding as PyTorch's {@code padding} shape (rows, columns). */
  public Shape symmetricShape() {
    return new Shape(top, left);
  }

  /**
   * True when the padding can run inside the convolution instead of as a copy of the input:
   * each axis pads equally on both sides or, with dilation 1, one more after than before (TF's
   * asymmetric 'same'). One more after equals one more before plus a zero tap in front of the
   * kernel: the convolution then pads symmetrically ({@link #shiftedShape}) with the kernel
   * extended by {@link #kernelShift}. The values are the same (the extra taps multiply zeros or
   * are zero); a pad of the small kernel replaces one of the activations.
   */
  public boolean byKernelShift(int[] dilation) {
    return shiftable(top, bottom, dilation[0]) && shiftable(left, right, dilation[1]);
  }

  private static boolean shiftable(int before, int after, int dilation) {
    return after == before || (after == before + 1 && dilation == 1);
  }

  /** The zero taps to put in front of the kernel, as {@link NDArray#pad} takes them. */
  public Shape kernelShift() {
    return new Shape(right - left, 0, bottom - top, 0);
  }

  /** The symmetric padding, rows and columns, of the shifted convolution. */
  public Shape shiftedShape() {
    return new Shape(bottom, right);
  }

  /** True when nothing is added. */
  public boolean isNone() {
    return top == 0 && bottom == 0 && left == 0 && right == 0;
  }

  /** {@code x} [N, C, H, W] padded with {@code value}. */
  public NDArray apply(NDArray x, double value) {
    if (isNone()) {
      return x;
    }
    // torch.nn.functional.pad order: last axis first (left, right), then (top, bottom)
    return x.pad(new Shape(left, right, top, bottom), value);
  }
}
