package org.slicelab.ablations.data.image;

import java.awt.image.BufferedImage;
import java.io.Serializable;

/** Where one image's pixels come from: an image file, or an item of an IDX array. */
public interface ImageSource extends Serializable {
  /**
   * Decodes the image.
   *
   * @throws IllegalArgumentException naming {@link #where()} when it cannot be decoded
   */
  BufferedImage read();

  /** Where the image is, for messages (a path, or an IDX file and index). */
  String where();
}
