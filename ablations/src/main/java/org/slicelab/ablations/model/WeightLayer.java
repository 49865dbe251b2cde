package org.slicelab.ablations.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A layer whose weight methods can slice, mask, sparsify or adapt, whatever the architecture:
 * the weight seen as a matrix of {@link #units(SliceAxis) rows} (output units) by input units,
 * each input unit spanning {@link #taps()} matrix columns.
 *
 * <ul>
 *   <li>Linear {@code y = x W^T + b}: W stored [out, in]; a row is an output feature, a column an
 *       input feature; one tap; activations carry units on their last axis.</li>
 *   <li>Conv2D: W stored [out, in, kh, kw] (PyTorch layout): the matrix of {@code out} rows by
 *       {@code in * kh * kw} columns; a row slice is r output filters, a column slice r input
 *       channels across every kernel tap ({@code taps = kh * kw}); activations NCHW (units on
 *       axis 1).</li>
 *   <li>Depthwise Conv2D: W stored [channels, 1, kh, kw], one filter per channel: rows and input
 *       units coincide ({@link #unitsShared()}), a slice of either axis is r channels.</li>
 * </ul>
 *
 * <p>The methods need only the primitives below, so SliceFine, SIFT, LoRA, Wanda and the
 * lottery-ticket masks are written once for every layer kind.
 */
public interface WeightLayer {

  /** The layer's name (a Hugging Face module name or a Keras layer name). */
  String name();

  /** The stored weight (see the class comment for each kind's layout). */
  NDArray weight();

  /** The bias, one value per output unit, or null when the layer has none. */
  NDArray bias();

  /** Output units ({@link SliceAxis#ROW}) or input units ({@link SliceAxis#COLUMN}). */
  int units(SliceAxis axis);

  /** Matrix columns per input unit: 1 for Linear, kh * kw for convolutions. */
  int taps();

  /** True when rows and input units are the same units (depthwise convolutions). */
  default boolean unitsShared() {
    return false;
  }

  /** The axis of an activation (input or output) that holds units: -1 (Linear) or 1 (NCHW). */
  int activationUnitAxis();

  /** The weight axis that holds the units of {@code axis} (0 or 1). */
  default int weightAxis(SliceAxis axis) {
    return axis == SliceAxis.ROW || unitsShared() ? 0 : 1;
  }

  /** The shape of a weight part with {@code r} units of {@code axis} (all other axes whole). */
  default Shape partShape(SliceAxis axis, int r) {
    long[] dims = weight().getShape().getShape().clone();
    dims[weightAxis(axis)] = r;
    return new Shape(dims);
  }

  /**
   * The layer's linear operation with {@code weightPart} in place of its weight and no bias
   * ({@code x W^T} or a convolution with the layer's stride, padding and dilation). A depthwise
   * layer convolves each of the part's channels with the matching input channel, so {@code x}
   * must then hold exactly the part's channels.
   */
  NDArray product(NDArray x, NDArray weightPart);

  /**
   * Mixes units of an activation with a matrix {@code m} [from, to] (a per-position linear map:
   * {@code x m} for Linear, a 1x1 convolution for NCHW), for one-hot gathers and placements and
   * LoRA's B factor.
   */
  NDArray mixUnits(NDArray activations, NDArray m);

  /** The frozen output {@code product(x, W) + b}, then every adapter in order. */
  NDArray forward(NDArray x);

  /** Adds an adapter applied after the frozen product. */
  void addAdapter(LayerAdapter adapter);

  /** Adapters currently attached. */
  List<LayerAdapter> adapters();

  /** Removes adapters without merging. */
  void clearAdapters();

  /** Merges every adapter into the weight and removes them. */
  default void mergeAdapters() {
    for (LayerAdapter adapter : adapters()) {
      adapter.mergeInto(this);
    }
    clearAdapters();
  }

  /**
   * The sum of squares of an input activation per input unit (over every other axis), after
   * multiplying by {@code mask} when it is not null (text: padding tokens excluded); the Wanda
   * calibration statistic. Returns [units(COLUMN)] (depthwise: [channels]).
   */
  NDArray inputUnitSquares(NDArray x, NDArray mask);

  /**
   * The one rule for a rank r against a layer: r rows, columns or factor rows must fit the
   * {@code dimension} they cut. Throws an {@link IllegalArgumentException} naming the trial
   * option {@code rank} otherwise.
   *
   * @param where the layer (and axis) for the message, e.g. {@code "classifier (rows)"}
   */
  static void checkRank(int rank, int dimension, String where) {
    if (rank > dimension) {
      throw new IllegalArgumentException("trial option 'rank' = " + rank
          + " is invalid: must be at most the layer dimension " + dimension + " of " + where);
    }
  }
}
