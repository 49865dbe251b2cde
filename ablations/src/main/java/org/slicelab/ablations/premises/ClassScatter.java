package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;

/**
 * Sufficient statistics of a layer's input for {@link TaskEnergy}, accumulated batch by batch:
 * every position of every example (a real token of a text, a pixel of a feature map) is one
 * sample, the vector of the layer's input units at that position, labelled with its example's
 * class. Kept: per-class sums and counts and the second-moment matrix {@code sum x x^T} of the
 * samples shifted by a fixed vector (the mean of the first batch), so that float32 products lose
 * no precision to a large mean; the sums are kept in float64. Both scatter matrices are
 * invariant to the shift. Attached to a layer as a pass-through {@link LayerAdapter}; before each
 * batch the caller sets the batch's labels and (text) its padding mask.
 */
public final class ClassScatter implements LayerAdapter {
  private final int unitAxis;
  private final int numClasses;
  private final NDArray secondMoment;
  private final NDArray classSums;
  private final NDArray counts;
  private NDArray labels;
  private NDArray mask;
  private NDArray shift;

  /** Empty statistics for {@code layer}'s input with {@code numClasses} classes, in {@code manager}. */
  public ClassScatter(WeightLayer layer, int numClasses, NDManager manager) {
    this(layer.units(SliceAxis.COLUMN), layer.activationUnitAxis(), numClasses, manager);
  }

  /** Empty statistics of {@code d} units on activation axis {@code unitAxis} (-1, or 1: NCHW). */
  ClassScatter(int d, int unitAxis, int numClasses, NDManager manager) {
    this.unitAxis = unitAxis;
    this.numClasses = numClasses;
    this.secondMoment = manager.zeros(new Shape(d, d), DataType.FLOAT64);
    this.classSums = manager.zeros(new Shape(numClasses, d), DataType.FLOAT64);
    this.counts = manager.zeros(new Shape(numClasses), DataType.FLOAT64);
  }

  /** The next batch's labels [B] and mask (null, or 1 for real positions, [B, L] or [B, L, 1]). */
  public void setBatch(NDArray batchLabels, NDArray batchMask) {
    this.labels = batchLabels;
    this.mask = batchMask;
  }

  @Override
  public NDArray apply(NDArray x, NDArray y) {
    // the padding mask belongs to token inputs [B, L, d] (as Wanda's calibration uses it)
    boolean masked = mask != null && x.getShape().dimension() == mask.getShape().dimension();
    add(x, labels, masked ? mask : null);
    return y;
  }

  /**
   * Adds one batch: {@code x} with units on the unit axis, one label per example (axis 0),
   * {@code batchMask} null or holding one value per position of x.
   */
  void add(NDArray x, NDArray batchLabels, NDArray batchMask) {
    NDArray units = unitAxis == 1 && x.getShape().dimension() > 2
        ? x.transpose(moveAxisOneToEnd(x.getShape().dimension())) : x;
    long batch = units.getShape().get(0);
    int d = (int) units.getShape().getLastDimension();
    long positions = units.getShape().size() / batch / d;
    NDArray samples = units.toType(DataType.FLOAT32, false).reshape(-1, d);
    NDArray oneHot = batchLabels.toType(DataType.INT32, false).oneHot(numClasses)
        .toType(DataType.FLOAT32, false);
    // per sample: its example's one-hot class
    NDArray classOf = oneHot.expandDims(1).repeat(1, positions).reshape(batch * positions,
        numClasses);
    if (batchMask != null) {
      // keep the real positions only (text: padding tokens are dropped before any product)
      NDArray real = batchMask.reshape(-1).gt(0);
      samples = samples.get(new NDIndex("{}", real));
      classOf = classOf.get(new NDIndex("{}", real));
    }
    if (shift == null) {
      shift = samples.mean(new int[] {0});
      NDScope.unregister(shift);
      shift.attach(secondMoment.getManager());
    }
    samples = samples.sub(shift);
    classSums.addi(classOf.transpose().matMul(samples).toType(DataType.FLOAT64, false));
    counts.addi(classOf.sum(new int[] {0}).toType(DataType.FLOAT64, false));
    secondMoment.addi(samples.transpose().matMul(samples).toType(DataType.FLOAT64, false));
  }

  private static int[] moveAxisOneToEnd(int dims) {
    int[] order = new int[dims];
    order[0] = 0;
    for (int i = 1; i < dims - 1; i++) {
      order[i] = i + 1;
    }
    order[dims - 1] = 1;
    return order;
  }

  /** The task-energy curve of the samples so far. */
  public TaskEnergy energy() {
    return TaskEnergy.of(secondMoment, classSums, counts.toDoubleArray());
  }

  @Override
  public void mergeInto(WeightLayer target) {
    // records only: nothing to fold
  }
}
