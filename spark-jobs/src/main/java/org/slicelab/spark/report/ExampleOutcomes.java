package org.slicelab.spark.report;

/**
 * A trial's per-example test outcomes, from the {@code predictions} table: which examples it got
 * right, in split order, and how one-sided its predictions were.
 *
 * @param fingerprint SHA-256 of the ordered test example ids ("" when unknown)
 * @param correct whether each example was classified correctly
 * @param majorityShare share of the most frequent predicted class
 */
public record ExampleOutcomes(String fingerprint, boolean[] correct, double majorityShare) {
  /**
   * Share of one predicted class at or above which a run counts as collapsed to a single class
   * (it learned nothing but the class prior).
   */
  public static final double COLLAPSE_SHARE = 0.99;

  /** Outcomes from labels and predictions (same length). */
  public static ExampleOutcomes of(String fingerprint, int[] labels, int[] predicted) {
    boolean[] correct = new boolean[labels.length];
    int[] counts = new int[2];
    for (int i = 0; i < labels.length; i++) {
      correct[i] = labels[i] == predicted[i];
      if (predicted[i] >= 0 && predicted[i] < counts.length) {
        counts[predicted[i]]++;
      }
    }
    double share = labels.length == 0 ? Double.NaN
        : (double) Math.max(counts[0], counts[1]) / labels.length;
    return new ExampleOutcomes(fingerprint == null ? "" : fingerprint, correct, share);
  }

  /** Accuracy recomputed from the predictions. */
  public double accuracy() {
    int c = 0;
    for (boolean b : correct) {
      c += b ? 1 : 0;
    }
    return correct.length == 0 ? Double.NaN : (double) c / correct.length;
  }

  /** Whether the run predicted (almost) a single class: a collapse, not a data point. */
  public boolean collapsed() {
    return majorityShare >= COLLAPSE_SHARE;
  }
}
