package org.slicelab.ablations.data.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An array of unsigned bytes read from an IDX file ({@link IdxFile}): its dimensions (images:
 * count, rows, columns; labels: count) and its elements in row-major order.
 */
public final class IdxArray implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int[] dims;
  private final byte[] data;

  IdxArray(String name, int[] dims, byte[] data) {
    this.name = name;
    this.dims = dims.clone();
    this.data = data;
  }

  /** The file's name, for messages. */
  public String name() {
    return name;
  }

  /** The dimensions, outermost first. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of items (the first dimension). */
  public int count() {
    return dims[0];
  }

  /** Bytes per item (the product of the other dimensions). */
  public int itemSize() {
    return data.length / Math.max(1, dims[0]);
  }

  /** Element {@code i} of a one-dimensional array, unsigned. */
  public int get(int i) {
    return data[i] & 0xFF;
  }

  /** A copy of item {@code i}'s bytes. */
  public byte[] item(int i) {
    return Arrays.copyOfRange(data, i * itemSize(), (i + 1) * itemSize());
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(dims);
  }
}
