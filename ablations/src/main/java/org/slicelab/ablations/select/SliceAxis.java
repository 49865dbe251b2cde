package org.slicelab.ablations.select;

import org.slicelab.ablations.backbone.LinearLayer;

/** Which way a slice cuts W [d_out, d_in]: rows (output units) or columns (input features). */
public enum SliceAxis {
  /** Rows of W: output units. */
  ROW,
  /** Columns of W: input features. */
  COLUMN;

  /** The length of this axis in {@code layer}'s weight. */
  public int dimension(LinearLayer layer) {
    return this == ROW ? layer.outFeatures() : layer.inFeatures();
  }

  /** Throws (naming the trial option {@code rank}) when {@code rank} exceeds this axis. */
  public void checkRank(int rank, LinearLayer layer) {
    LinearLayer.checkRank(rank, dimension(layer), layer.name() + " (" + label() + "s)");
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
