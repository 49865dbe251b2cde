package org.slicelab.ablations.backbone.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Arrays;

/**
 * How a network expects its input pixels: channel c of an 8-bit RGB pixel value p becomes
 * {@code (p * scale - mean[c]) / std[c]}. Channels are in RGB order.
 *
 * <p>nsfwjs feeds every model RGB pixels divided by 255 ({@code dist/cjs/core.js},
 * {@code NSFWJS.infer}): {@link #UNIT_RANGE}. Its {@code mobilenet_v2_mid} graph then maps them
 * to [-1, 1] itself; the converter moves that step here (mean 0.5, std 0.5). A
 * {@code model.json} records its normalisation under
 * {@code userDefinedMetadata.slicelab.imageNormalization}; a model without it gets
 * {@link #UNIT_RANGE}.
 *
 * @param scale the factor on 8-bit pixel values
 * @param mean per-channel mean subtracted after scaling
 * @param std per-channel divisor applied last
 */
public record ImageNormalization(double scale, float[] mean, float[] std)
    implements Serializable {

  /** Pixels divided by 255 (values in [0, 1]), as nsfwjs feeds its models. */
  public static final ImageNormalization UNIT_RANGE = new ImageNormalization(1 / 255.0,
      new float[] {0, 0, 0}, new float[] {1, 1, 1});

  /** Checks the values and copies the arrays. */
  public ImageNormalization {
    if (!(scale > 0) || mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("image normalisation needs a positive scale and as "
          + "many means as standard deviations, got scale " + scale + ", mean "
          + Arrays.toString(mean) + ", std " + Arrays.toString(std));
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("image normalisation std must be positive: "
            + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The network input for 8-bit value {@code pixel} of channel {@code channel}. */
  public float apply(int channel, int pixel) {
    return (float) ((pixel * scale - mean[channel]) / std[channel]);
  }

  /** Reads the {@code imageNormalization} object of {@code model.json}'s metadata. */
  public static ImageNormalization fromJson(JsonNode node) {
    return new ImageNormalization(node.path("scale").asDouble(), floats(node.path("mean")),
        floats(node.path("std")));
  }

  /** The object {@link #fromJson} reads. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("scale", scale);
    Arrays.stream(toDoubles(mean)).forEach(node.putArray("mean")::add);
    Arrays.stream(toDoubles(std)).forEach(node.putArray("std")::add);
    return node;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageNormalization n && n.scale == scale
        && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Double.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ImageNormalization[scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std="
        + Arrays.toString(std) + "]";
  }
}
