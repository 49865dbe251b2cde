package org.slicelab.ablations.backbone.vision;

import java.util.Arrays;
import org.slicelab.ablations.backbone.FloatTensor;

/**
 * Moves Keras (channels-last) weight tensors to the PyTorch layouts the network runs with, and
 * back for export: Conv2D kernels [kh, kw, in, out] <-> [out, in, kh, kw], depthwise kernels
 * [kh, kw, in, 1] <-> [in, 1, kh, kw], Dense kernels [in, out] <-> [out, in]; vectors unchanged.
 */
public final class KerasLayouts {
  private static final int[] CONV_TO_TORCH = {3, 2, 0, 1};
  private static final int[] CONV_TO_KERAS = {2, 3, 1, 0};
  private static final int[] DEPTHWISE = {2, 3, 0, 1};

  private KerasLayouts() {
  }

  /** A Keras tensor called {@code name} ({@code layer/kernel}, ...) in PyTorch layout. */
  public static FloatTensor toTorch(String name, FloatTensor keras) {
    return switch (keras.rank()) {
      case 4 -> permute(keras, name.endsWith("/depthwise_kernel") ? DEPTHWISE : CONV_TO_TORCH);
      case 2 -> keras.transpose();
      default -> keras;
    };
  }

  /** The inverse of {@link #toTorch}. */
  public static FloatTensor toKeras(String name, FloatTensor torch) {
    return switch (torch.rank()) {
      case 4 -> permute(torch, name.endsWith("/depthwise_kernel") ? DEPTHWISE : CONV_TO_KERAS);
      case 2 -> torch.transpose();
      default -> torch;
    };
  }

  /** {@code t} with its axes reordered: output axis i is input axis {@code axes[i]}. */
  public static FloatTensor permute(FloatTensor t, int... axes) {
    int rank = t.rank();
    if (axes.length != rank) {
      throw new IllegalArgumentException("permutation " + Arrays.toString(axes) + " for a "
          + rank + "-D tensor");
    }
    long[] inStrides = new long[rank];
    long stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
      inStrides[d] = stride;
      stride *= t.shape()[d];
    }
    long[] outShape = new long[rank];
    long[] strides = new long[rank];
    for (int d = 0; d < rank; d++) {
      outShape[d] = t.shape()[axes[d]];
      strides[d] = inStrides[axes[d]];
    }
    float[] in = t.values();
    float[] out = new float[in.length];
    int[] index = new int[rank];
    long source = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = in[(int) source];
      for (int d = rank - 1; d >= 0; d--) {
        index[d]++;
        source += strides[d];
        if (index[d] < outShape[d]) {
          break;
        }
        source -= strides[d] * outShape[d];
        index[d] = 0;
      }
    }
    return new FloatTensor(outShape, out);
  }
}
