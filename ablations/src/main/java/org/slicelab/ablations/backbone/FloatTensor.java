package org.slicelab.ablations.backbone;

import java.util.Arrays;

/**
 * A dense float tensor in row-major order: a shape and its values. Used to carry pretrained
 * weights between the ONNX reader, the safetensors writer and the encoder.
 *
 * <p>Equality and hash code are by content (shape and values), unlike a plain record of arrays.
 * The arrays are not copied: do not modify them after handing them over.
 *
 * @param shape  the dimensions, outermost first
 * @param values the elements in row-major order; length equals the product of {@code shape}
 */
public record FloatTensor(long[] shape, float[] values) {

  /** Checks that the shape and the number of values agree. */
  public FloatTensor {
    if (shape == null || values == null) {
      throw new IllegalArgumentException("shape and values must not be null");
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + values.length);
    }
  }

  /** The number of elements. */
  public long numel() {
    return values.length;
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Element {@code [i, j]} of a 2-D tensor. */
  public float get(int i, int j) {
    if (shape.length != 2) {
      throw new IllegalStateException("get(i, j) needs a 2-D tensor, shape is "
          + Arrays.toString(shape));
    }
    if (i < 0 || i >= shape[0] || j < 0 || j >= shape[1]) {
      throw new IndexOutOfBoundsException("[" + i + ", " + j + "] outside "
          + Arrays.toString(shape));
    }
    return values[(int) (i * shape[1] + j)];
  }

  /** The transpose of a 2-D tensor, as a new tensor. */
  public FloatTensor transpose() {
    if (shape.length != 2) {
      throw new IllegalStateException("transpose needs a 2-D tensor, shape is "
          + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    float[] out = new float[values.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = values[i * cols + j];
      }
    }
    return new FloatTensor(new long[] {cols, rows}, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
