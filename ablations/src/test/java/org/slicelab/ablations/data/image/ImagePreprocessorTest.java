package org.slicelab.ablations.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.data.Datasets;

/** Decoding, cropping, resizing and normalising images, and the upload as model inputs. */
class ImagePreprocessorTest {

  @Test
  void constantGrayImageStaysConstantAndIsNormalisedPerChannel() {
    BufferedImage gray = gray(28, 28, (x, y) -> 100);
    byte[] pixels = ImageResizer.pixels(gray, 96);
    assertEquals(96 * 96, pixels.length, "gray stays one plane");
    for (byte p : pixels) {
      assertEquals(100, p & 0xFF);
    }
    ImageExamples examples = new ImageExamples(96, new byte[][] {pixels}, new int[] {3},
        ImageNormalization.IMAGENET);
    float[] expected = new float[3];
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; c++) {
      expected[c] = (100 / 255f - mean[c]) / std[c];
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDList arrays = examples.toArrays(manager);
      assertEquals(new Shape(1, 3, 96, 96), arrays.get(0).getShape());
      assertEquals(DataType.FLOAT32, arrays.get(0).getDataType());
      assertEquals(DataType.INT32, arrays.get(1).getDataType());
      assertArrayEquals(new int[] {3}, arrays.get(1).toIntArray());
      float[] values = arrays.get(0).toFloatArray();
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 96 * 96; k++) {
          assertEquals(expected[c], values[c * 96 * 96 + k], 1e-6, "channel " + c);
        }
      }
    }
  }

  @Test
  void gradientIsResizedBilinearly() {
    // 64 -> 32 halves: output column i averages source columns 2i and 2i+1 of 2x: 4i + 1
    byte[] down = ImageResizer.pixels(gray(64, 64, (x, y) -> 2 * x), 32);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        assertEquals(4 * x + 1, down[y * 32 + x] & 0xFF, 1, "(" + x + "," + y + ")");
      }
    }
    // 28 -> 56 doubles: output column i samples source position i/2 - 1/4 of 4x: 2i - 1
    byte[] up = ImageResizer.pixels(gray(28, 28, (x, y) -> 4 * x), 56);
    for (int x = 1; x < 55; x++) {
      assertEquals(2 * x - 1, up[10 * 56 + x] & 0xFF, 1, "column " + x);
    }
    // same size: the pixels as they are
    byte[] same = ImageResizer.pixels(gray(28, 28, (x, y) -> 3 * x + y), 28);
    for (int k = 0; k < 28 * 28; k++) {
      assertEquals(3 * (k % 28) + k / 28, same[k] & 0xFF);
    }
  }

  @Test
  void largeReductionsAverageInsteadOfAliasing() {
    // a one-pixel checkerboard: plain bilinear at 1/12 would pick single pixels (0 or 255)
    byte[] small = ImageResizer.pixels(gray(384, 384, (x, y) -> (x + y) % 2 == 0 ? 255 : 0), 32);
    for (byte p : small) {
      assertEquals(127.5, p & 0xFF, 2);
    }
  }

  @Test
  void colourBecomesThreePlanesAndGrayIsReplicatedAtUpload() {
    BufferedImage rgb = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 10; x++) {
        rgb.setRGB(x, y, 0x80C86432); // alpha 128 is dropped: R 200, G 100, B 50
      }
    }
    byte[] colour = ImageResizer.pixels(rgb, 10);
    assertEquals(300, colour.length);
    assertEquals(200, colour[0] & 0xFF);
    assertEquals(100, colour[100] & 0xFF);
    assertEquals(50, colour[299] & 0xFF);
    byte[] gray = ImageResizer.pixels(gray(10, 10, (x, y) -> 10 * x), 10);
    ImageExamples both = new ImageExamples(10, new byte[][] {colour, gray}, new int[] {0, 1},
        ImageNormalization.ZERO_TO_ONE);
    assertEquals(400, both.pixelBytes());
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      float[] v = both.toArrays(manager).get(0).toFloatArray();
      assertEquals(200 / 255f, v[0], 1e-6);
      assertEquals(100 / 255f, v[100], 1e-6);
      assertEquals(50 / 255f, v[200], 1e-6);
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 100; k++) {
          assertEquals(10 * (k % 10) / 255f, v[300 + c * 100 + k], 1e-6, "gray channel " + c);
        }
      }
    }
  }

  @Test
  void nonSquareImagesKeepTheirCentralSquare() {
    // 40 x 20: the outer 10 columns on each side are white, the central 20 x 20 black
    byte[] out = ImageResizer.pixels(gray(40, 20, (x, y) -> x < 10 || x >= 30 ? 255 : 0), 20);
    for (byte p : out) {
      assertEquals(0, p);
    }
  }

  @Test
  void sixteenBitGrayIsScaledToEightBits() {
    BufferedImage deep = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        deep.getRaster().setSample(x, y, 0, 65535 * x / 3);
      }
    }
    byte[] out = ImageResizer.pixels(deep, 4);
    assertEquals(16, out.length);
    assertEquals(0, out[0] & 0xFF);
    assertEquals(85, out[1] & 0xFF);
    assertEquals(255, out[3] & 0xFF);
  }

  @Test
  void resizedPixelsAreCachedPerDatasetSizeAndId(@TempDir Path dir) throws IOException {
    List<LabeledImage> images = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Path file = dir.resolve(i + ".png");
      ImageIO.write(gray(8, 8, (x, y) -> 30), "png", file.toFile());
      images.add(new LabeledImage("i" + i, "", i % 2, new ImageFile(file.toString())));
    }
    ImagePreprocessor preprocessor = new ImagePreprocessor(1 << 20);
    ImageInput input = new ImageInput(16, 8, ImageNormalization.ZERO_TO_ONE);
    ImageExamples first = preprocessor.examples("d", images, input);
    assertEquals(4, preprocessor.decoded());
    ImageExamples again = preprocessor.examples("d", images.subList(1, 3), input);
    assertEquals(4, preprocessor.decoded(), "served from the cache");
    assertTrue(first.pixels(1) == again.pixels(0));
    preprocessor.examples("d", images, new ImageInput(12, 8, ImageNormalization.ZERO_TO_ONE));
    assertEquals(8, preprocessor.decoded(), "another size is another entry");
    ImagePreprocessor tiny = new ImagePreprocessor(2 * 16 * 16);
    tiny.examples("d", images, input);
    tiny.examples("d", images.subList(2, 4), input);
    assertEquals(4, tiny.decoded(), "the two most recent fit in the budget");
    tiny.examples("d", images.subList(0, 1), input);
    assertEquals(5, tiny.decoded(), "the oldest was evicted");
    assertArrayEquals(new int[] {1, 0}, first.select(new int[] {1, 2}).labels());
    assertEquals(2, first.range(1, 3).size());
  }

  @Test
  void imageSizeBelowTheNetworksMinimumNamesTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ImageInput(16, 32, ImageNormalization.ZERO_TO_ONE));
    assertEquals("trial option 'image_size' = 16 is invalid: must be at least 32 (the smallest "
        + "input the network accepts)", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ImageNormalization(1, new float[] {0, 0, 0}, new float[] {1, 0, 1}));
  }

  @Test
  void anImageThatDoesNotDecodeIsNamedWithItsPath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.png");
    ImageIO.write(gray(64, 64, (x, y) -> x ^ y), "png", file.toFile());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    LabeledImage image = new LabeledImage("broken.png", "", 0, new ImageFile(file.toString()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ImagePreprocessor(0).examples("d", List.of(image),
            new ImageInput(8, 1, ImageNormalization.ZERO_TO_ONE)));
    assertTrue(e.getMessage().startsWith("image " + file + " cannot be decoded"), e.getMessage());
  }

  @Test
  void thousandMnistImagesAt96Pixels() {
    List<LabeledImage> images = Datasets.images("mnist").load(1000, 10, 10, 1, 0).train();
    ImagePreprocessor preprocessor = new ImagePreprocessor(0);
    long start = System.nanoTime();
    ImageExamples examples = preprocessor.examples("mnist", images,
        new ImageInput(96, 32, ImageNormalization.ZERO_TO_ONE));
    long resized = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDList arrays = examples.toArrays(manager);
      long uploaded = System.nanoTime();
      assertEquals(new Shape(1000, 3, 96, 96), arrays.get(0).getShape());
      System.out.printf("1000 MNIST images at 96 px: decode+resize %d ms, upload %d ms, "
          + "%d bytes per example in memory%n", (resized - start) / 1_000_000,
          (uploaded - resized) / 1_000_000, examples.pixelBytes() / 1000);
    }
    assertEquals(96 * 96, examples.pixelBytes() / 1000, "gray: one byte per pixel");
  }

  /** A gray image whose pixel (x, y) is {@code value(x, y)}. */
  static BufferedImage gray(int w, int h, Pixel value) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.getRaster().setSample(x, y, 0, value.at(x, y));
      }
    }
    return image;
  }

  /** A pixel value by position. */
  interface Pixel {
    int at(int x, int y);
  }
}
