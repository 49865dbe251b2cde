package org.slicelab.ablations.data.image;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads IDX files (the MNIST format: a magic number {@code 0x0000TTDD} with element type TT and
 * DD dimensions, DD big-endian int32 sizes, then the elements), raw or gzip-compressed. Only
 * unsigned-byte elements (type {@code 0x08}) are supported, which is what image and label files
 * hold. Every structural fault (magic, type, dimension count, sizes, truncation, trailing bytes)
 * is an error naming the file.
 */
public final class IdxFile {
  /** Element type of unsigned bytes. */
  static final int UNSIGNED_BYTE = 0x08;

  private IdxFile() {
  }

  /** Reads {@code file}, which must have {@code expectedDims} dimensions. */
  public static IdxArray read(Path file, int expectedDims) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), expectedDims);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Reads an IDX file held in memory (raw or gzip). */
  public static IdxArray read(byte[] bytes, String name, int expectedDims) {
    try {
      return read(new ByteArrayInputStream(bytes), name, expectedDims);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  /**
   * Reads an IDX stream (gzip-compressed when it starts with the gzip magic number).
   *
   * @throws IllegalArgumentException naming {@code name} when the content is not a valid
   *     unsigned-byte IDX array of {@code expectedDims} dimensions
   */
  public static IdxArray read(InputStream stream, String name, int expectedDims)
      throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream raw = b0 == 0x1f && b1 == 0x8b ? new GzipCompressorInputStream(buffered, true)
        : buffered;
    DataInputStream in = new DataInputStream(raw);
    int magic = header(in, name, "magic number");
    if ((magic >>> 16) != 0) {
      throw invalid(name, String.format("magic number 0x%08x is not an IDX header (expected "
          + "0x00000%x%02x)", magic, UNSIGNED_BYTE, expectedDims));
    }
    int type = (magic >>> 8) & 0xFF;
    int dimCount = magic & 0xFF;
    if (type != UNSIGNED_BYTE) {
      throw invalid(name, String.format("element type 0x%02x is not supported (only unsigned "
          + "bytes, 0x08)", type));
    }
    if (dimCount != expectedDims) {
      throw invalid(name, dimCount + " dimensions, expected " + expectedDims);
    }
    int[] dims = new int[dimCount];
    long total = 1;
    for (int d = 0; d < dimCount; d++) {
      dims[d] = header(in, name, "size of dimension " + d);
      if (dims[d] <= 0) {
        throw invalid(name, "dimension " + d + " has size " + dims[d]);
      }
      total *= dims[d];
      if (total > Integer.MAX_VALUE - 8) {
        throw invalid(name, "more than 2^31 elements");
      }
    }
    byte[] data = new byte[(int) total];
    int n = in.readNBytes(data, 0, data.length);
    if (n < data.length) {
      throw invalid(name, "truncated: " + n + " of " + data.length + " data bytes");
    }
    if (in.read() >= 0) {
      throw invalid(name, "extra bytes after its " + data.length + " data bytes");
    }
    return new IdxArray(name, dims, data);
  }

  private static int header(DataInputStream in, String name, String field) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw invalid(name, "truncated: the header ends before its " + field);
    }
  }

  private static IllegalArgumentException invalid(String name, String why) {
    return new IllegalArgumentException("IDX file " + name + ": " + why);
  }
}
