package org.slicelab.ablations.backbone.vision;

/**
 * The geometry of a Keras {@code Conv2D} or {@code DepthwiseConv2D} layer: kernel, strides,
 * dilation, {@code 'valid'} or {@code 'same'} padding, output channels, bias and activation.
 *
 * @param layer the layer's name
 * @param depthwise true for {@code DepthwiseConv2D} (one filter per input channel)
 * @param kernel kernel height and width
 * @param stride strides (height, width)
 * @param dilation dilation rates (height, width)
 * @param same true for {@code 'same'} padding, false for {@code 'valid'}
 * @param filters output channels of a {@code Conv2D}; 0 for a depthwise layer (as many as in)
 * @param useBias whether the layer adds a bias
 * @param activation the Keras activation applied after the bias
 */
public record ConvSpec(String layer, boolean depthwise, int[] kernel, int[] stride,
    int[] dilation, boolean same, int filters, boolean useBias, String activation) {

  /** Reads and checks a layer's config (channels-last, groups 1, depth multiplier 1). */
  public static ConvSpec of(KerasLayer layer) {
    layer.requireChannelsLast();
    boolean depthwise = layer.type().equals("DepthwiseConv2D");
    int[] kernel = layer.pair("kernel_size", null);
    if (kernel == null || kernel[0] < 1 || kernel[1] < 1) {
      throw layer.invalid("needs a positive kernel_size");
    }
    int[] stride = positive(layer, "strides");
    int[] dilation = positive(layer, "dilation_rate");
    if ((stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
      throw layer.invalid("has both strides and dilation_rate above 1 (Keras forbids this)");
    }
    if (depthwise && layer.number("depth_multiplier", 1) != 1) {
      throw layer.invalid("has depth_multiplier " + layer.config().get("depth_multiplier")
          + ": only 1 is supported");
    }
    if (!depthwise && layer.number("groups", 1) != 1) {
      throw layer.invalid("has groups " + layer.config().get("groups") + ": only 1 is supported");
    }
    String activation = layer.string("activation", "linear");
    Activations.check(activation, layer);
    return new ConvSpec(layer.name(), depthwise, kernel, stride, dilation, samePadding(layer),
        depthwise ? 0 : layer.positiveInt("filters"), layer.bool("use_bias", true), activation);
  }

  /** Reads {@code padding}: true for 'same', false for 'valid'; other values are errors. */
  static boolean samePadding(KerasLayer layer) {
    String padding = layer.string("padding", "valid");
    if (!padding.equals("same") && !padding.equals("valid")) {
      throw layer.invalid("has padding '" + padding + "': supported are 'valid' and 'same'");
    }
    return padding.equals("same");
  }

  private static int[] positive(KerasLayer layer, String field) {
    int[] v = layer.pair(field, new int[] {1, 1});
    if (v[0] < 1 || v[1] < 1) {
      throw layer.invalid("has " + field + " " + v[0] + "x" + v[1] + ": must be positive");
    }
    return v;
  }

  /** The padding for an input of {@code height x width}. */
  public Padding2d padding(int height, int width) {
    return same ? Padding2d.same(height, width, kernel, stride, dilation) : Padding2d.NONE;
  }

  /** Output size along axis 0 (height) or 1 (width) for input size {@code in}; may be < 1. */
  public int outSize(int in, int axis) {
    return outputSize(in, kernel[axis], stride[axis], dilation[axis], same);
  }

  /** Output positions of a window {@code k} with {@code stride} over {@code in} positions. */
  static int outputSize(int in, int k, int stride, int dilation, boolean same) {
    if (same) {
      return (in + stride - 1) / stride;
    }
    int span = (k - 1) * dilation + 1;
    return in < span ? 0 : (in - span) / stride + 1;
  }
}
