package org.slicelab.ablations.data.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/**
 * Turns a decoded image into the 8-bit pixels of a square network input: the central square
 * (the shorter side) is cut out and resized with bilinear interpolation (Java2D, with quality
 * rendering hints); a large reduction first halves the image repeatedly, so that every source
 * pixel contributes (plain bilinear would skip pixels and alias). Gray images stay one channel
 * ({@code size * size} bytes, to be replicated to three at upload); any other image becomes RGB,
 * stored channel by channel ({@code 3 * size * size} bytes, R plane, G plane, B plane). Alpha is
 * dropped, as PIL's {@code convert("RGB")} does.
 */
final class ImageResizer {
  private ImageResizer() {
  }

  /** The image's pixels at {@code size x size}: gray (one plane) or RGB (three planes). */
  static byte[] pixels(BufferedImage image, int size) {
    BufferedImage canonical = isGray(image) ? toGray(image) : toRgb(image);
    int side = Math.min(canonical.getWidth(), canonical.getHeight());
    BufferedImage square = canonical.getSubimage((canonical.getWidth() - side) / 2,
        (canonical.getHeight() - side) / 2, side, side);
    BufferedImage current = square;
    int currentSide = side;
    while (currentSide / 2 >= size && currentSide > size) {
      currentSide /= 2;
      current = scale(current, currentSide);
    }
    BufferedImage resized = currentSide == size && current != square ? current
        : scale(current, size);
    return bytes(resized);
  }

  private static boolean isGray(BufferedImage image) {
    return image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
  }

  /** 8-bit gray from the first band, rescaled from its bit depth (16-bit PNGs, say). */
  private static BufferedImage toGray(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
    Raster raster = image.getRaster();
    BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] out = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = (byte) Math.round(raster.getSample(x, y, 0) * 255.0 / max);
      }
    }
    return gray;
  }

  /** sRGB without alpha. */
  private static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, w, h, image.getRGB(0, 0, w, h, null, 0, w), 0, w);
    return rgb;
  }

  /** {@code image} (square) drawn at {@code side x side}, bilinear, in the same type. */
  private static BufferedImage scale(BufferedImage image, int side) {
    BufferedImage out = new BufferedImage(side, side, image.getType());
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING,
          RenderingHints.VALUE_COLOR_RENDER_QUALITY);
      g.drawImage(image, 0, 0, side, side, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Gray bytes as they are; RGB ints split into R, G and B planes. */
  private static byte[] bytes(BufferedImage image) {
    int n = image.getWidth() * image.getHeight();
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] out = new byte[n];
      image.getRaster().getDataElements(0, 0, image.getWidth(), image.getHeight(), out);
      return out;
    }
    int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    byte[] out = new byte[3 * n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (rgb[i] >> 16);
      out[n + i] = (byte) (rgb[i] >> 8);
      out[2 * n + i] = (byte) rgb[i];
    }
    return out;
  }
}
