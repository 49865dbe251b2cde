package org.slicelab.spark.report;

import java.util.List;

/**
 * The verdict on one claim, one row of the {@code claims} table. Accuracy differences are in
 * percentage points (1 point = 0.01 accuracy).
 *
 * @param id short id, e.g. {@code fig2b_row}
 * @param claim the claim in words
 * @param table the report table it is judged on
 * @param metric the metric compared, e.g. {@code test_acc}
 * @param statistic what {@code observed} is, in words: always the statistic whose interval
 *     decided the verdict
 * @param observed that statistic, with its sign (points; {@code NaN} when there is no data)
 * @param ciLow lower end of its interval ({@code NaN} if none)
 * @param ciHigh upper end of its interval ({@code NaN} if none)
 * @param level two-sided level of that interval (its ends are the one-sided test bounds)
 * @param threshold the rule in words
 * @param thresholdValue the threshold (or margin) in points
 * @param n seeds behind the decisive comparison (paired; see docs/claims.md for how each rule
 *     takes collapsed runs)
 * @param verdict {@link #REPRODUCED}, {@link #NOT_REPRODUCED} or {@link #INCONCLUSIVE}
 * @param verdictWide the verdict at the wide margin (±2 points) for equivalence claims, else the
 *     same as {@code verdict}
 * @param atPointEstimate {@code holds} or {@code fails}: what the point estimates alone say
 *     ({@code no data} when there are none); never a verdict
 * @param seedsNeeded for an inconclusive claim, seeds per configuration a decision would need
 *     if the observed means and variances held ({@code > cap} shown as cap + 1); 0 when decided,
 *     -1 when it cannot be computed
 * @param collapses runs that collapsed to one predicted class, per configuration ("" if none)
 * @param detail how the verdict was reached (comparisons, intervals, notes)
 * @param trialIds every trial the claim was judged on (what more seeds would extend)
 */
public record Claim(String id, String claim, String table, String metric, String statistic,
    double observed, double ciLow, double ciHigh, double level, String threshold,
    double thresholdValue, int n, String verdict, String verdictWide, String atPointEstimate,
    int seedsNeeded, String collapses, String detail, List<String> trialIds) {
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

  /** Copies the list; tidies the separators of {@code detail}. */
  public Claim {
    trialIds = List.copyOf(trialIds);
    detail = detail.replaceAll("(;\\s*)+;", ";").replaceAll("[;\\s]+$", "");
  }

  /** Whether the claim is decided at the main margin. */
  public boolean decided() {
    return !verdict.equals(INCONCLUSIVE);
  }

  /** Whether more seeds could still change something: undecided at either margin. */
  public boolean open() {
    return verdict.equals(INCONCLUSIVE) || verdictWide.equals(INCONCLUSIVE);
  }

  /** Whether this is one of the paper's claims (not a protocol check). */
  public boolean paperClaim() {
    return !id.startsWith("protocol");
  }
}
