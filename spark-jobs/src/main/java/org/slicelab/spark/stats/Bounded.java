package org.slicelab.spark.stats;

/**
 * A statistic with one-sided confidence bounds (points): a paired mean ({@link PairedEstimate})
 * or a median by the sign test ({@link SignTest}). {@link ClaimTests} decides on these bounds.
 */
public interface Bounded {
  /** The statistic itself (mean or median). */
  double estimate();

  /** One-sided lower confidence bound at level {@code 1 - alpha} (NaN when there is none). */
  double lower(double alpha);

  /** One-sided upper confidence bound at level {@code 1 - alpha} (NaN when there is none). */
  double upper(double alpha);

  /**
   * One-sided p-value of "the statistic is at most {@code threshold}" (1 when there are no
   * bounds): at most {@code alpha} when {@code lower(alpha)} is above the threshold.
   */
  double pAbove(double threshold);
}
