package org.slicelab.spark.stats;

import java.util.List;

/**
 * How many seeds per configuration an undecided claim would need for a decision if the observed
 * means and variances held, for each rule of {@link ClaimTests} and with the same corrections:
 * {@code cap + 1} when no number up to {@code cap} would do. {@code assumedPerSeed} replaces an
 * unknown seed part (one seed).
 */
public final class SeedsNeeded {
  private SeedsNeeded() {
  }

  /**
   * {@link ClaimTests#equivalence}: when every mean is inside the margin, the slowest comparison
   * to get its interval inside (all are needed); otherwise the fastest comparison outside to get
   * its Bonferroni interval ({@code alpha / k}) outside (one suffices).
   */
  public static int equivalence(List<PairedEstimate> estimates, double margin, double alpha,
      int cap, double assumedPerSeed) {
    boolean allInside = estimates.stream().allMatch(e -> Math.abs(e.mean()) < margin);
    if (allInside) {
      int worst = 0;
      for (PairedEstimate e : estimates) {
        worst = Math.max(worst, e.mean() >= 0
            ? e.seedsNeeded(margin, false, alpha, cap, assumedPerSeed)
            : e.seedsNeeded(-margin, true, alpha, cap, assumedPerSeed));
      }
      return worst;
    }
    int best = cap + 1;
    double corrected = alpha / estimates.size();
    for (PairedEstimate e : estimates) {
      if (e.mean() > margin) {
        best = Math.min(best, e.seedsNeeded(margin, true, corrected, cap, assumedPerSeed));
      } else if (e.mean() < -margin) {
        best = Math.min(best, e.seedsNeeded(-margin, false, corrected, cap, assumedPerSeed));
      }
    }
    return best;
  }

  /**
   * {@link ClaimTests#anyAbove} on paired means: when some mean is above the threshold, the
   * fastest of those to get its lower bound at {@code alpha / k} above it (the claim is
   * existential: the best comparison suffices); otherwise the slowest comparison to get its
   * upper bound at {@code alpha} below it (refuting needs all of them).
   */
  public static int anyAbove(List<PairedEstimate> estimates, double threshold, double alpha,
      int cap, double assumedPerSeed) {
    double corrected = alpha / estimates.size();
    boolean someAbove = estimates.stream().anyMatch(e -> e.mean() > threshold);
    int out = someAbove ? cap + 1 : 0;
    for (PairedEstimate e : estimates) {
      if (someAbove && e.mean() > threshold) {
        out = Math.min(out, e.seedsNeeded(threshold, true, corrected, cap, assumedPerSeed));
      } else if (!someAbove) {
        out = Math.max(out, e.seedsNeeded(threshold, false, alpha, cap, assumedPerSeed));
      }
    }
    return out;
  }

  /**
   * {@link ClaimTests#anyAbove} on sign tests (threshold 0): as {@link #anyAbove(List, double,
   * double, int, double)}, with the share of positive (or negative) seeds held fixed.
   */
  public static int anySignAbove(List<SignTest> tests, double alpha, int cap) {
    double corrected = alpha / tests.size();
    boolean someAbove = tests.stream().anyMatch(t -> 2 * t.positives() > t.n());
    int out = someAbove ? cap + 1 : 0;
    for (SignTest t : tests) {
      if (someAbove && 2 * t.positives() > t.n()) {
        out = Math.min(out, t.seedsNeeded(corrected, cap));
      } else if (!someAbove) {
        out = Math.max(out, t.negated().seedsNeeded(alpha, cap));
      }
    }
    return out;
  }
}
