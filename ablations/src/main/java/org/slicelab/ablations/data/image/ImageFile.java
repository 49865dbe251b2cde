package org.slicelab.ablations.data.image;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A PNG or JPEG file, decoded with {@link ImageIO}.
 *
 * @param path the file's path (a string: paths are not serializable)
 */
public record ImageFile(String path) implements ImageSource {

  @Override
  public BufferedImage read() {
    BufferedImage image;
    try {
      image = ImageIO.read(new File(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("image " + path + " cannot be decoded ("
          + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new IllegalArgumentException("image " + path + " is not a PNG or JPEG image");
    }
    return image;
  }

  @Override
  public String where() {
    return path;
  }
}
