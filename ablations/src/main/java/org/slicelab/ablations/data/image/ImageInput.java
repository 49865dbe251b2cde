package org.slicelab.ablations.data.image;

import java.io.Serializable;
import java.util.Objects;

/**
 * The input a vision network takes: square images of {@code size} pixels (the trial option
 * {@value #OPTION}, at least the network's {@code minimumSize}), normalised its way.
 *
 * @param size side of the square input, in pixels
 * @param minimumSize the smallest side the network accepts (its total stride, say)
 * @param normalization how 8-bit pixels become the network's input values
 */
public record ImageInput(int size, int minimumSize, ImageNormalization normalization)
    implements Serializable {
  /** The trial option that sets {@link #size}. */
  public static final String OPTION = "image_size";

  /** Checks the size against the minimum ({@link #checkSize}). */
  public ImageInput {
    checkSize(size, minimumSize);
    Objects.requireNonNull(normalization, "normalization");
  }

  /**
   * Fails unless {@code 1 <= minimumSize <= size}.
   *
   * @throws IllegalArgumentException naming the trial option {@value #OPTION}
   */
  public static void checkSize(int size, int minimumSize) {
    if (minimumSize < 1) {
      throw new IllegalArgumentException("the minimum image size must be positive, got "
          + minimumSize);
    }
    if (size < minimumSize) {
      throw new IllegalArgumentException("trial option '" + OPTION + "' = " + size
          + " is invalid: must be at least " + minimumSize + " (the smallest input the "
          + "network accepts)");
    }
  }
}
