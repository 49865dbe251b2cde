package org.slicelab.ablations.model;


/**
 * Which way a slice cuts a weight seen as a matrix ({@link WeightLayer}): rows (output units) or
 * columns (input units: features of a Linear, channels of a convolution across every tap).
 */
public enum SliceAxis {
  /** Rows of W: output units. */
  ROW,
  /** Columns of W: input features. */
  COLUMN;

  /** The length of this axis in {@code layer}'s weight. */
  public int dimension(WeightLayer layer) {
    return layer.units(this);
  }

  /** Throws (naming the trial option {@code rank}) when {@code rank} exceeds this axis. */
  public void checkRank(int rank, WeightLayer layer) {
    WeightLayer.checkRank(rank, dimension(layer), layer.name() + " (" + label() + "s)");
  }

  /** The other axis. */
  public SliceAxis other() {
    return this == ROW ? COLUMN : ROW;
  }

  /** "row" or "column". */
  public String label() {
    return this == ROW ? "row" : "column";
  }
}
