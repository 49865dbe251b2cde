package org.slicelab.spark.stats;

import java.util.List;

/**
 * The decision rules of the report, on paired estimates in points (or on sign tests over seeds).
 * {@code alpha} is the error rate spent at this look (the family-wise rate divided by the number of looks, see
 * {@link LookPlan}). Every rule controls the probability of a wrong "reproduced" and of a wrong
 * "not reproduced" at {@code alpha} each.
 */
public final class ClaimTests {
  private ClaimTests() {
  }

  /**
   * Equivalence of every comparison within {@code ±margin}: two one-sided tests per comparison,
   * i.e. its {@code 1 - 2 alpha} interval inside the margin; the claim needs all of them
   * (intersection-union: no correction). {@code not reproduced} when some comparison's
   * interval at {@code 1 - 2 alpha / k} lies entirely outside the margin (Bonferroni over the
   * k comparisons). The decisive comparison is the one whose interval reaches furthest out (or,
   * when not reproduced, the one furthest outside); its sign is kept.
   */
  public static Decision equivalence(List<PairedEstimate> pairs, double margin, double alpha) {
    int k = pairs.size();
    if (k == 0 || pairs.stream().anyMatch(p -> !p.hasInterval())) {
      return none(pairs, alpha);
    }
    int reach = -1;
    double reachValue = Double.NEGATIVE_INFINITY;
    int outside = -1;
    double outsideValue = Double.NEGATIVE_INFINITY;
    boolean allInside = true;
    for (int i = 0; i < k; i++) {
      PairedEstimate p = pairs.get(i);
      double lo = p.lower(alpha);
      double hi = p.upper(alpha);
      allInside &= lo > -margin && hi < margin;
      double extent = Math.max(Math.abs(lo), Math.abs(hi));
      if (extent > reachValue) {
        reachValue = extent;
        reach = i;
      }
      double loK = p.lower(alpha / k);
      double hiK = p.upper(alpha / k);
      double beyond = Math.max(loK - margin, -margin - hiK);
      if (beyond > 0 && beyond > outsideValue) {
        outsideValue = beyond;
        outside = i;
      }
    }
    if (outside >= 0) {
      PairedEstimate p = pairs.get(outside);
      return new Decision(Verdict.NOT_REPRODUCED, outside, p.lower(alpha / k),
          p.upper(alpha / k), 1 - 2 * alpha / k);
    }
    PairedEstimate p = pairs.get(reach);
    return new Decision(allInside ? Verdict.REPRODUCED : Verdict.INCONCLUSIVE, reach,
        p.lower(alpha), p.upper(alpha), 1 - 2 * alpha);
  }

  /**
   * An existential one-sided claim over k comparisons declared in advance, "some comparison's
   * statistic is above {@code threshold}" (some larger rank beats the smallest; some small SIFT
   * rate is non-inferior, threshold {@code -margin}): {@code reproduced} when some comparison's
   * lower bound at {@code 1 - alpha / k} is above the threshold (Bonferroni over the k);
   * {@code not reproduced} when every comparison's upper bound at {@code 1 - alpha} is below it
   * (intersection-union: the negation needs all of them). A comparison without bounds can
   * neither reproduce nor refute. Decisive: of the comparisons whose corrected lower bound
   * clears the threshold (of all, when none does) the one with the smallest p-value (ties: the
   * highest estimate); when not reproduced, the one with the highest upper bound.
   */
  public static Decision anyAbove(List<? extends Bounded> comparisons, double threshold,
      double alpha) {
    int k = comparisons.size();
    if (k == 0) {
      return new Decision(Verdict.INCONCLUSIVE, -1, Double.NaN, Double.NaN, 1 - 2 * alpha);
    }
    double corrected = alpha / k;
    boolean someClears = comparisons.stream().anyMatch(c -> c.lower(corrected) > threshold);
    int best = -1;
    int bestUpper = 0;
    boolean allBelow = true;
    for (int i = 0; i < k; i++) {
      Bounded c = comparisons.get(i);
      if (!someClears || c.lower(corrected) > threshold) {
        Bounded b = best < 0 ? null : comparisons.get(best);
        if (b == null || c.pAbove(threshold) < b.pAbove(threshold)
            || c.pAbove(threshold) == b.pAbove(threshold) && c.estimate() > b.estimate()) {
          best = i;
        }
      }
      double hi = orPlus(c.upper(alpha));
      if (hi > orPlus(comparisons.get(bestUpper).upper(alpha))) {
        bestUpper = i;
      }
      allBelow &= hi < threshold;
    }
    Bounded b = comparisons.get(best);
    if (someClears) {
      return new Decision(Verdict.REPRODUCED, best, b.lower(corrected), b.upper(corrected),
          1 - 2 * corrected);
    }
    if (allBelow) {
      Bounded u = comparisons.get(bestUpper);
      return new Decision(Verdict.NOT_REPRODUCED, bestUpper, u.lower(alpha), u.upper(alpha),
          1 - 2 * alpha);
    }
    return new Decision(Verdict.INCONCLUSIVE, best, b.lower(corrected), b.upper(corrected),
        1 - 2 * corrected);
  }

  private static double orPlus(double v) {
    return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
  }

  private static Decision none(List<PairedEstimate> pairs, double alpha) {
    return new Decision(Verdict.INCONCLUSIVE, pairs.isEmpty() ? -1 : 0, Double.NaN, Double.NaN,
        1 - 2 * alpha);
  }
}
