package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.slicelab.ablations.backbone.LinearAdapter;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.select.SliceAxis;
import org.slicelab.ablations.train.DenseTrainable;

/**
 * A trainable slice of one layer's weight, kept as an increment {@code D} over the frozen slice
 * so that W itself is never touched until {@link #mergeInto}.
 *
 * <ul>
 *   <li>ROW slice R: {@code D} is [r, d_in]; {@code y += (x D^T) E} with E [r, d_out] the one-hot
 *       placement of R. Autograd then computes only {@code dD = dY[:, R]^T X}.</li>
 *   <li>COLUMN slice C: {@code D} is [d_out, r]; {@code y += (x G) D^T} with G [d_in, r] the
 *       one-hot gather of C. Autograd computes only {@code dD = dY^T X[:, C]}.</li>
 * </ul>
 * No full dW is ever formed; the extra cost is O(tokens * r * d).
 *
 * <p>When the slice is a contiguous window p..p+r-1 (the position selector's case) the one-hot
 * products are skipped: a ROW slice adds {@code x D^T} into the output columns p..p+r-1 in
 * place, a COLUMN slice reads the input columns p..p+r-1 as a view. Same gradients, 12-17% less
 * step time (BENCHMARKS.md). Scattered index sets (Wanda, lottery tickets) use the one-hot form.
 */
public final class SliceAdapter implements LinearAdapter {
  private final SliceAxis axis;
  private final int[] indices;
  private final NDArray delta;
  /** One-hot placement/gather matrix; null when the slice is a contiguous window. */
  private final NDArray placement;
  private final DenseTrainable trainable;
  private final NDIndex window;

  /** A zero increment on {@code indices} of {@code layer} along {@code axis}. */
  public SliceAdapter(LinearLayer layer, SliceAxis axis, int[] indices, NDManager manager) {
    this.axis = axis;
    this.indices = indices.clone();
    int r = indices.length;
    int dim = axis.dimension(layer);
    delta = manager.zeros(axis == SliceAxis.ROW
        ? new Shape(r, layer.inFeatures()) : new Shape(layer.outFeatures(), r));
    window = isContiguous(indices)
        ? new NDIndex("..., " + indices[0] + ":" + (indices[0] + r)) : null;
    placement = window == null ? oneHotPlacement(axis, indices, dim, manager) : null;
    NDArray frozenSlice = axis == SliceAxis.ROW
        ? layer.weight().get(index(manager)) : layer.weight().get(columnIndex(manager));
    trainable = new DenseTrainable(layer.name() + "." + axis.label() + "_slice", delta,
        frozenSlice);
  }

  /**
   * One-hot placement for scattered index sets: [r, dim] for rows (scatter into outputs),
   * [dim, r] for columns (gather inputs); built in its final layout, never as a view of a
   * Java-backed array.
   */
  private static NDArray oneHotPlacement(SliceAxis axis, int[] indices, int dim,
      NDManager manager) {
    int r = indices.length;
    float[] oneHot = new float[r * dim];
    for (int i = 0; i < r; i++) {
      oneHot[axis == SliceAxis.ROW ? i * dim + indices[i] : indices[i] * r + i] = 1f;
    }
    return manager.create(oneHot, axis == SliceAxis.ROW ? new Shape(r, dim) : new Shape(dim, r));
  }

  private static boolean isContiguous(int[] indices) {
    for (int i = 1; i < indices.length; i++) {
      if (indices[i] != indices[0] + i) {
        return false;
      }
    }
    return true;
  }

  /** The slice's orientation. */
  public SliceAxis axis() {
    return axis;
  }

  /** The rows or columns trained (sorted). */
  public int[] indices() {
    return indices.clone();
  }

  /** The increment as an optimizer trainable (weight decay acts on slice + increment). */
  public DenseTrainable trainable() {
    return trainable;
  }

  @Override
  public NDArray apply(NDArray x, NDArray y) {
    // in place on y is legal for autograd: the frozen product's backward does not keep y
    if (window != null && axis == SliceAxis.ROW) {
      y.set(window, y.get(window).add(Linear.linear(x, delta).singletonOrThrow()));
      return y;
    }
    if (window != null) {
      return y.addi(Linear.linear(x.get(window), delta).singletonOrThrow());
    }
    if (axis == SliceAxis.ROW) {
      return y.add(Linear.linear(x, delta).singletonOrThrow().matMul(placement));
    }
    return y.add(Linear.linear(x.matMul(placement), delta).singletonOrThrow());
  }

  @Override
  public void mergeInto(LinearLayer layer) {
    NDManager manager = delta.getManager();
    NDArray w = layer.weight();
    if (axis == SliceAxis.ROW) {
      NDIndex rows = index(manager);
      try (NDArray merged = w.get(rows).add(delta)) {
        w.set(rows, merged);
      }
    } else {
      NDIndex columns = columnIndex(manager);
      try (NDArray merged = w.get(columns).add(delta)) {
        w.set(columns, merged);
      }
    }
  }

  private NDIndex index(NDManager manager) {
    return new NDIndex("{}", manager.create(toLong(indices)));
  }

  private NDIndex columnIndex(NDManager manager) {
    return new NDIndex(":, {}", manager.create(toLong(indices)));
  }

  private static long[] toLong(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** Releases the increment and constants. */
  public void close() {
    delta.close();
    if (placement != null) {
      placement.close();
    }
  }

}
