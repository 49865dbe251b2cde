package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import java.util.Map;

/**
 * What slice selection keeps of a lottery-ticket mask ({@link LotteryTicketMasks}): per layer the
 * kept entries of every row and column of the final mask, and the magnitude sums of every row and
 * column of the last round's fine-tuned weights (tie-break).
 *
 * @param key the cache key it was computed for
 * @param layers per-layer summaries by layer name, in target order
 * @param totalEntries entries of all targeted matrices
 * @param keptEntries entries kept by the final mask
 * @param computeSeconds wall time of the computation (as stored; not of loading)
 */
public record MaskSummary(String key, Map<String, LayerDensity> layers, long totalEntries,
    long keptEntries, double computeSeconds) {

  /** The mask's sparsity: pruned / total. */
  public double sparsity() {
    return totalEntries == 0 ? 0 : 1.0 - (double) keptEntries / totalEntries;
  }

  /**
   * Row and column summaries of one layer's final mask.
   *
   * @param name layer name
   * @param rows d_out
   * @param cols d_in
   * @param rowEntries weight entries of one row unit ({@code cols * taps}; depthwise: taps)
   * @param colEntries weight entries of one column unit ({@code rows * taps}; depthwise: taps)
   * @param rowKept kept entries per row unit
   * @param colKept kept entries per column unit
   * @param rowMagnitude sum of |W| per row of the last round's fine-tuned weights
   * @param colMagnitude sum of |W| per column of the last round's fine-tuned weights
   */
  public record LayerDensity(String name, int rows, int cols, int rowEntries, int colEntries,
      int[] rowKept, int[] colKept, float[] rowMagnitude, float[] colMagnitude) {

    /** Row/column kept counts and |W| sums of a Linear weight [rows, cols] (row-major). */
    public static LayerDensity of(String name, int rows, int cols, boolean[] mask,
        float[] weight) {
      return of(name, rows, cols, 1, false, mask, weight);
    }

    /**
     * Row/column unit kept counts of {@code mask} and |W| sums of {@code weight}, both in the
     * stored layout [rows, inputs, taps] (a Linear: taps 1; a convolution [out, in, kh, kw]:
     * taps kh * kw). With {@code unitsShared} (depthwise: [channels, 1, kh, kw]) the column
     * units are the row units.
     */
    public static LayerDensity of(String name, int rows, int cols, int taps,
        boolean unitsShared, boolean[] mask, float[] weight) {
      int inputs = unitsShared ? 1 : cols;
      int columnUnits = unitsShared ? rows : cols;
      int[] rowKept = new int[rows];
      int[] colKept = new int[columnUnits];
      double[] rowMag = new double[rows];
      double[] colMag = new double[columnUnits];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < inputs; j++) {
          int column = unitsShared ? i : j;
          for (int t = 0; t < taps; t++) {
            int k = (i * inputs + j) * taps + t;
            if (mask[k]) {
              rowKept[i]++;
              colKept[column]++;
            }
            double a = Math.abs(weight[k]);
            rowMag[i] += a;
            colMag[column] += a;
          }
        }
      }
      int perRow = inputs * taps;
      int perColumn = unitsShared ? taps : rows * taps;
      return new LayerDensity(name, rows, columnUnits, perRow, perColumn, rowKept, colKept,
          toFloat(rowMag), toFloat(colMag));
    }

    private static float[] toFloat(double[] values) {
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = (float) values[i];
      }
      return out;
    }

    /** Kept fraction of every row (ROW) or column (COLUMN). */
    public double[] density(SliceAxis axis) {
      int[] kept = axis == SliceAxis.ROW ? rowKept : colKept;
      int length = axis == SliceAxis.ROW ? rowEntries : colEntries;
      double[] out = new double[kept.length];
      for (int i = 0; i < kept.length; i++) {
        out[i] = (double) kept[i] / length;
      }
      return out;
    }

    /** Fine-tuned magnitude sum of every row (ROW) or column (COLUMN). */
    public float[] magnitude(SliceAxis axis) {
      return axis == SliceAxis.ROW ? rowMagnitude : colMagnitude;
    }

    /** Kept entries of the whole layer. */
    public long kept() {
      long sum = 0;
      for (int k : rowKept) {
        sum += k;
      }
      return sum;
    }
  }
}
