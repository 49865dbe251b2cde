package org.slicelab.ablations.data.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.slicelab.ablations.model.Examples;

/**
 * Preprocessed images ready for batching: per example its 8-bit pixels at the network's input
 * size (one gray plane, or R, G and B planes; see {@link ImagePreprocessor}), its label, and the
 * normalisation applied at upload. Pixels stay bytes in memory; {@link #toArrays} makes the
 * float input [B, 3, S, S] (gray replicated to three channels) and the labels [B].
 */
public final class ImageExamples implements Examples {
  private static final long serialVersionUID = 1L;

  private final int imageSize;
  private final byte[][] pixels;
  private final int[] labels;
  private final ImageNormalization normalization;

  /**
   * Examples from their pixels and labels.
   *
   * @param imageSize side S of every image
   * @param pixels per example S*S (gray) or 3*S*S (RGB planes) bytes
   * @param labels class ids, one per example
   * @param normalization applied at upload
   */
  public ImageExamples(int imageSize, byte[][] pixels, int[] labels,
      ImageNormalization normalization) {
    if (pixels.length != labels.length) {
      throw new IllegalArgumentException(pixels.length + " images but " + labels.length
          + " labels");
    }
    int plane = imageSize * imageSize;
    for (int i = 0; i < pixels.length; i++) {
      if (pixels[i].length != plane && pixels[i].length != 3 * plane) {
        throw new IllegalArgumentException("image " + i + " has " + pixels[i].length
            + " bytes; a " + imageSize + "x" + imageSize + " image has " + plane + " (gray) or "
            + 3 * plane + " (RGB)");
      }
    }
    this.imageSize = imageSize;
    this.pixels = pixels;
    this.labels = labels;
    this.normalization = Objects.requireNonNull(normalization, "normalization");
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int[] labels() {
    return labels;
  }

  /** Side of the square images. */
  public int imageSize() {
    return imageSize;
  }

  /** The normalisation applied at upload. */
  public ImageNormalization normalization() {
    return normalization;
  }

  /** The 8-bit pixels of example {@code i} (gray plane, or R, G, B planes); not copied. */
  public byte[] pixels(int i) {
    return pixels[i];
  }

  /** Bytes of pixel data held (gray images take a third of RGB ones). */
  public long pixelBytes() {
    long total = 0;
    for (byte[] p : pixels) {
      total += p.length;
    }
    return total;
  }

  @Override
  public ImageExamples select(int[] indices) {
    byte[][] p = new byte[indices.length][];
    int[] y = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      p[i] = pixels[indices[i]];
      y[i] = labels[indices[i]];
    }
    return new ImageExamples(imageSize, p, y, normalization);
  }

  @Override
  public ImageExamples range(int from, int to) {
    return (ImageExamples) Examples.super.range(from, to);
  }

  /**
   * The images as float32 [B, 3, S, S], normalised, then the labels [B] (int32). The values are
   * written straight into a direct buffer that the engine takes without another copy.
   */
  @Override
  public NDList toArrays(NDManager manager) {
    int plane = imageSize * imageSize;
    float[][] tables = normalization.lookupTables();
    ByteBuffer buffer = manager.allocateDirect(Math.multiplyExact(labels.length, 3 * plane * 4));
    FloatBuffer values = buffer.asFloatBuffer();
    float[] image = new float[3 * plane];
    for (byte[] pixels : pixels) {
      boolean gray = pixels.length == plane;
      for (int c = 0; c < 3; c++) {
        float[] table = tables[c];
        int from = gray ? 0 : c * plane;
        int to = c * plane;
        for (int k = 0; k < plane; k++) {
          image[to + k] = table[pixels[from + k] & 0xFF];
        }
      }
      values.put(image);
    }
    NDArray x = manager.create(buffer, new Shape(labels.length, 3, imageSize, imageSize),
        DataType.FLOAT32);
    NDArray y = manager.create(labels);
    return new NDList(x, y);
  }
}
