package org.slicelab.spark.report;

/**
 * The verdict on one claim, one row of the {@code claims} table. Accuracy differences are in
 * percentage points (1 point = 0.01 accuracy).
 *
 * @param id short id, e.g. {@code fig2b_row}
 * @param claim the claim in words
 * @param table the report table it is judged on
 * @param metric the metric compared, e.g. {@code test_acc}
 * @param statistic what {@code observed} is, in words
 * @param observed the observed statistic (points; {@code NaN} when there is no data)
 * @param ciLow lower end of the 95% interval of the decisive comparison ({@code NaN} if none)
 * @param ciHigh upper end of that interval ({@code NaN} if none)
 * @param threshold the rule in words, e.g. {@code |diff| <= 1.0 point}
 * @param thresholdValue the threshold in points
 * @param n seeds behind the decisive comparison (paired seeds), 0 when no data
 * @param verdict {@link #REPRODUCED}, {@link #NOT_REPRODUCED} or {@link #INCONCLUSIVE}
 * @param atPointEstimate {@code holds} or {@code fails}: what the point estimates alone say,
 *     ignoring uncertainty ({@code no data} when there are none)
 * @param detail how the verdict was reached (comparisons, intervals, notes)
 */
public record Claim(String id, String claim, String table, String metric, String statistic,
    double observed, double ciLow, double ciHigh, String threshold, double thresholdValue, int n,
    String verdict, String atPointEstimate, String detail) {
  /** The claim holds with the intervals on the claimed side of the threshold. */
  public static final String REPRODUCED = "reproduced";
  /** The intervals exclude the claimed outcome. */
  public static final String NOT_REPRODUCED = "not reproduced";
  /** Too few seeds, intervals straddling a threshold, or no data. */
  public static final String INCONCLUSIVE = "inconclusive";
  /** Point estimates agree with the claim. */
  public static final String HOLDS = "holds";
  /** Point estimates disagree with the claim. */
  public static final String FAILS = "fails";
  /** No data for the claim. */
  public static final String NO_DATA = "no data";
}
