package org.slicelab.spark.stats;

import java.util.List;

/**
 * The decision rules of the report, on paired estimates in points. {@code alpha} is the error
 * rate spent at this look (the family-wise rate divided by the number of looks, see
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
   * Non-inferiority of at least one of k arms ({@code arm - reference > -margin}), the arms
   * declared in advance: {@code reproduced} when some arm's lower bound at {@code 1 - alpha / k}
   * is above {@code -margin} (Bonferroni); {@code not reproduced} when every arm's upper bound at
   * {@code 1 - alpha} is below it (intersection-union). Decisive: the arm with the highest lower
   * bound (or, when not reproduced, the highest upper bound).
   */
  public static Decision nonInferiority(List<PairedEstimate> arms, double margin, double alpha) {
    int k = arms.size();
    if (k == 0 || arms.stream().anyMatch(p -> !p.hasInterval())) {
      return none(arms, alpha);
    }
    int best = 0;
    int bestUpper = 0;
    boolean allBelow = true;
    for (int i = 0; i < k; i++) {
      if (arms.get(i).lower(alpha / k) > arms.get(best).lower(alpha / k)) {
        best = i;
      }
      if (arms.get(i).upper(alpha) > arms.get(bestUpper).upper(alpha)) {
        bestUpper = i;
      }
      allBelow &= arms.get(i).upper(alpha) < -margin;
    }
    PairedEstimate b = arms.get(best);
    if (b.lower(alpha / k) > -margin) {
      return new Decision(Verdict.REPRODUCED, best, b.lower(alpha / k), b.upper(alpha / k),
          1 - 2 * alpha / k);
    }
    if (allBelow) {
      PairedEstimate u = arms.get(bestUpper);
      return new Decision(Verdict.NOT_REPRODUCED, bestUpper, u.lower(alpha), u.upper(alpha),
          1 - 2 * alpha);
    }
    return new Decision(Verdict.INCONCLUSIVE, best, b.lower(alpha / k), b.upper(alpha / k),
        1 - 2 * alpha / k);
  }

  /**
   * A one-sided claim "difference > threshold": {@code reproduced} when the lower bound at
   * {@code 1 - alpha} is above it, {@code not reproduced} when the upper bound is below it (one
   * threshold for both).
   */
  public static Decision above(PairedEstimate d, double threshold, double alpha) {
    if (!d.hasInterval()) {
      return none(List.of(d), alpha);
    }
    double lo = d.lower(alpha);
    double hi = d.upper(alpha);
    Verdict v = lo > threshold ? Verdict.REPRODUCED
        : hi < threshold ? Verdict.NOT_REPRODUCED : Verdict.INCONCLUSIVE;
    return new Decision(v, 0, lo, hi, 1 - 2 * alpha);
  }

  /**
   * A one-sided claim "median over seeds > 0" by the sign test: {@code reproduced} when the
   * order-statistic lower bound at {@code 1 - alpha} is above 0, {@code not reproduced} when the
   * upper bound is below 0.
   */
  public static Decision signAbove(SignTest t, double alpha) {
    double lo = t.lower(alpha);
    double hi = t.upper(alpha);
    Verdict v = lo > 0 ? Verdict.REPRODUCED : hi < 0 ? Verdict.NOT_REPRODUCED
        : Verdict.INCONCLUSIVE;
    return new Decision(v, t.n() == 0 ? -1 : 0, lo, hi, 1 - 2 * alpha);
  }

  private static Decision none(List<PairedEstimate> pairs, double alpha) {
    return new Decision(Verdict.INCONCLUSIVE, pairs.isEmpty() ? -1 : 0, Double.NaN, Double.NaN,
        1 - 2 * alpha);
  }
}
