package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.train.DenseTrainable;

/**
 * A trainable slice of one layer's weight, kept as an increment {@code D} over the frozen slice
 * so that the weight itself is never touched until {@link #mergeInto}. Written once for every
 * {@link WeightLayer} kind through its primitives ({@code product}, {@code mixUnits}), in two
 * equivalent forms; the layer chooses ({@link LayerAdapter#foldedWeight}).
 *
 * <p><b>Output form</b> ({@link #apply}, Linear layers):
 * <ul>
 *   <li>ROW slice R: {@code D} holds r output units; {@code y[R] += product(x, D)}. Autograd then
 *       computes only {@code dD} from {@code dY[R]} (Linear: {@code dY[:, R]^T X}).</li>
 *   <li>COLUMN slice C: {@code D} holds r input units; {@code y += product(x[C], D)}. Autograd
 *       computes only {@code dD} from {@code X[C]} (Linear: {@code dY^T X[:, C]}).</li>
 *   <li>Depthwise layers (rows and input units coincide): {@code y[R] += product(x[R], D)}.</li>
 * </ul>
 * No full weight gradient is formed; the extra cost is that of an r-unit layer.
 * When the slice is a contiguous window p..p+r-1 (the position selector's case) units are
 * read as a view and written in place: a row slice adds its product into the output units
 * p..p+r-1 of {@code y}. Same gradients, 12-17% less step time on text (docs/history.md,
 * "Speed-ups applied").
 * Scattered index sets (Wanda, lottery tickets) gather and place units with one-hot matrices.
 *
 * <p><b>Weight form</b> ({@link #foldedWeight}, convolutions): the layer runs once with
 * {@code W + D} placed at the slice's units (entries outside the slice are {@code W + 0}); the
 * layer's backward forms the weight's gradient and {@code dD} is its slice. On a convolutional
 * network that is cheaper than the output form, whose extra r-unit convolution, activation
 * slices and in-place writes cost more memory traffic than the kernel gradient costs arithmetic
 * (docs/history.md, MobileNetV2, 2026-12-07).
 */
public final class SliceAdapter implements LayerAdapter {
  private final WeightLayer layer;
  private final SliceAxis axis;
  private final int[] indices;
  private final NDArray delta;
  private final DenseTrainable trainable;
  /** The window on the activations' unit axis; null when the slice is scattered. */
  private final NDIndex window;
  /** One-hot gather [units, r] of the slice's input units; null when not needed. */
  private final NDArray gather;
  /** One-hot placement [r, units] of the slice's output units; null when not needed. */
  private final NDArray place;

  /** A zero increment on {@code indices} of {@code layer} along {@code axis}. */
  public SliceAdapter(WeightLayer layer, SliceAxis axis, int[] indices, NDManager manager) {
    this.layer = layer;
    this.axis = axis;
    this.indices = indices.clone();
    int r = indices.length;
    delta = manager.zeros(layer.partShape(axis, r));
    boolean contiguous = isContiguous(indices);
    window = contiguous ? new NDIndex((layer.activationUnitAxis() == -1 ? "..., " : ":, ")
        + indices[0] + ":" + (indices[0] + r)) : null;
    gather = !contiguous && selectsInputs()
        ? oneHot(indices, layer.units(SliceAxis.COLUMN), true, manager) : null;
    place = !contiguous && placesOutputs()
        ? oneHot(indices, layer.units(SliceAxis.ROW), false, manager) : null;
    trainable = new DenseTrainable(layer.name() + "." + axis.label() + "_slice", delta,
        layer.weight().get(weightIndex(manager)));
  }

  private boolean selectsInputs() {
    return axis == SliceAxis.COLUMN || layer.unitsShared();
  }

  private boolean placesOutputs() {
    return axis == SliceAxis.ROW || layer.unitsShared();
  }

  /**
   * One-hot matrix for scattered index sets: [units, r] to gather inputs, [r, units] to place
   * outputs; built in its final layout, never as a view of a Java-backed array.
   */
  private static NDArray oneHot(int[] indices, int units, boolean gather, NDManager manager) {
    int r = indices.length;
    float[] values = new float[r * units];
    for (int i = 0; i < r; i++) {
      values[gather ? indices[i] * r + i : i * units + indices[i]] = 1f;
    }
    return manager.create(values, gather ? new Shape(units, r) : new Shape(r, units));
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
    NDArray input = !selectsInputs() ? x : window != null ? x.get(window)
        : layer.mixUnits(x, gather);
    NDArray part = layer.product(input, delta);
    if (!placesOutputs()) {
      return window != null ? y.addi(part) : y.add(part);
    }
    if (window != null) {
      // in place on y is legal for autograd: the frozen product's backward does not keep y
      y.set(window, y.get(window).add(part));
      return y;
    }
    return y.add(layer.mixUnits(part, place));
  }

  @Override
  public NDArray foldedWeight(NDArray weight) {
    return weight.add(placedDelta());
  }

  /** The increment at its units of a weight-shaped array, zero elsewhere. */
  private NDArray placedDelta() {
    int weightAxis = layer.weightAxis(axis);
    long units = layer.weight().getShape().get(weightAxis);
    int r = indices.length;
    if (window != null) {
      // torch's pad lists (before, after) per axis from the last axis to the first
      int dims = delta.getShape().dimension();
      long[] pad = new long[2 * dims];
      pad[2 * (dims - 1 - weightAxis)] = indices[0];
      pad[2 * (dims - 1 - weightAxis) + 1] = units - indices[0] - r;
      return delta.pad(new Shape(pad), 0);
    }
    // scattered: a one-hot [units, r] times the increment with its units as rows (exact: each
    // entry is one increment value plus zeros)
    NDArray oneHot = weightAxis == 0 && !layer.unitsShared() ? place.transpose() : gather;
    NDArray rows = weightAxis == 0 ? delta : delta.swapAxes(0, 1);
    Shape rowShape = rows.getShape();
    NDArray placed = oneHot.matMul(rows.reshape(r, -1))
        .reshape(new Shape(units).addAll(rowShape.slice(1)));
    return weightAxis == 0 ? placed : placed.swapAxes(0, 1);
  }

  @Override
  public void mergeInto(WeightLayer target) {
    NDArray w = target.weight();
    NDIndex index = weightIndex(delta.getManager());
    try (NDArray merged = w.get(index).add(delta)) {
      w.set(index, merged);
    }
  }

  /** The slice's entries of the stored weight (its units on the weight's axis for them). */
  private NDIndex weightIndex(NDManager manager) {
    long[] values = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      values[i] = indices[i];
    }
    return new NDIndex(layer.weightAxis(axis) == 0 ? "{}" : ":, {}", manager.create(values));
  }

  /** Releases the increment and constants. */
  public void close() {
    delta.close();
    if (gather != null) {
      gather.close();
    }
    if (place != null) {
      place.close();
    }
  }
}
