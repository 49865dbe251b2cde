package org.slicelab.ablations.data.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How a network expects its input pixels: an 8-bit value {@code p} of channel {@code c} (R, G, B)
 * becomes {@code (p * scale - mean[c]) / std[c]}.
 *
 * @param scale multiplies the 8-bit value first (e.g. 1/255)
 * @param mean per-channel mean subtracted after scaling (3 values, R, G, B)
 * @param std per-channel divisor (3 positive values)
 */
public record ImageNormalization(float scale, float[] mean, float[] std) implements Serializable {
  /** Pixels in [0, 1]: {@code p / 255}. */
  public static final ImageNormalization ZERO_TO_ONE = new ImageNormalization(1 / 255f,
      new float[] {0, 0, 0}, new float[] {1, 1, 1});
  /** Pixels in [-1, 1]: {@code p / 127.5 - 1} (Keras' MobileNet and Inception "tf" mode). */
  public static final ImageNormalization MINUS_ONE_TO_ONE = new ImageNormalization(1 / 127.5f,
      new float[] {1, 1, 1}, new float[] {1, 1, 1});
  /** ImageNet statistics on [0, 1] pixels (torchvision's convention). */
  public static final ImageNormalization IMAGENET = new ImageNormalization(1 / 255f,
      new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  /** Checks three channels, a positive finite scale and positive standard deviations. */
  public ImageNormalization {
    if (mean == null || std == null || mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("image normalization needs 3 means and 3 standard "
          + "deviations (R, G, B)");
    }
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("image normalization scale must be positive, got "
          + scale);
    }
    for (int c = 0; c < 3; c++) {
      if (!(std[c] > 0) || !Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("image normalization channel " + c + ": std must be "
            + "positive and mean finite, got mean " + mean[c] + ", std " + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** The network input for 8-bit value {@code pixel} of channel {@code channel}. */
  public float apply(int channel, int pixel) {
    return (pixel * scale - mean[channel]) / std[channel];
  }

  /** The normalised value of each 8-bit value, per channel: [3][256]. */
  float[][] lookupTables() {
    float[][] tables = new float[3][256];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 256; p++) {
        tables[c][p] = apply(c, p);
      }
    }
    return tables;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageNormalization n && Float.compare(scale, n.scale)
        == 0 && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Float.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ImageNormalization[scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std="
        + Arrays.toString(std) + "]";
  }
}
