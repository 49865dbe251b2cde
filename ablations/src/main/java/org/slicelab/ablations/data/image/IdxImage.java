package org.slicelab.ablations.data.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Image {@code index} of an IDX image array ([count, rows, columns] of 8-bit gray).
 *
 * @param images the array
 * @param index the image's index
 */
public record IdxImage(IdxArray images, int index) implements ImageSource {

  @Override
  public BufferedImage read() {
    int[] dims = images.dims();
    BufferedImage image = new BufferedImage(dims[2], dims[1], BufferedImage.TYPE_BYTE_GRAY);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(images.item(index), 0, target, 0, target.length);
    return image;
  }

  @Override
  public String where() {
    return images.name() + " image " + index;
  }
}
