package org.slicelab.ablations.backbone.vision;

/**
 * A Keras {@code AveragePooling2D} or {@code MaxPooling2D} window: size, strides (the size when
 * unset, as in Keras) and {@code 'valid'} or {@code 'same'} padding.
 *
 * @param max true for max pooling, false for average pooling
 * @param size window height and width
 * @param stride strides (height, width)
 * @param same true for 'same' padding
 */
public record PoolSpec(boolean max, int[] size, int[] stride, boolean same) {

  /** Reads and checks a pooling layer's config. */
  public static PoolSpec of(KerasLayer layer) {
    layer.requireChannelsLast();
    int[] size = layer.pair("pool_size", new int[] {2, 2});
    int[] stride = layer.pair("strides", size);
    if (size[0] < 1 || size[1] < 1 || stride[0] < 1 || stride[1] < 1) {
      throw layer.invalid("needs positive pool_size and strides");
    }
    return new PoolSpec(layer.type().equals("MaxPooling2D"), size, stride,
        ConvSpec.samePadding(layer));
  }

  /** The padding for an input of {@code height x width}. */
  public Padding2d padding(int height, int width) {
    return same ? Padding2d.same(height, width, size, stride, new int[] {1, 1}) : Padding2d.NONE;
  }

  /** Output size along axis 0 (height) or 1 (width); may be < 1. */
  public int outSize(int in, int axis) {
    return ConvSpec.outputSize(in, size[axis], stride[axis], 1, same);
  }
}
