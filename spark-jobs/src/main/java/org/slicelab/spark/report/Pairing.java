package org.slicelab.spark.report;

import java.util.ArrayList;
import java.util.List;
import org.slicelab.spark.stats.PairedEstimate;

/**
 * Pairs two configurations seed by seed for a difference {@code a - b} in points.
 *
 * <p>A seed pairs only when both trials used the same data seed, were scored on the same test
 * examples in the same order (equal test fingerprints) and ran on the same kind of device (CPU
 * or GPU: their arithmetic differs); otherwise it is refused and named in the notes. What happens to a seed where a run collapsed to one predicted class depends on the
 * rule ({@link Collapses}); either way the collapsed seeds are listed by arm. When every seed in
 * the estimate has per-example predictions on one common test set, the estimate is the crossed
 * seeds x examples one; otherwise the per-seed differences alone
 * ({@link PairedEstimate#seedsOnly}).
 */
final class Pairing {
  private Pairing() {
  }

  /** How a rule takes seeds where a run collapsed. */
  enum Collapses {
    /** Every paired seed enters with its measured accuracy, collapsed or not. */
    INCLUDED,
    /**
     * Seeds with a collapse in either arm are kept out of the estimate and listed by arm, for
     * the rule to decide what they mean (see {@link ClaimRules}).
     */
    SET_ASIDE
  }

  /**
   * A paired comparison.
   *
   * @param label e.g. {@code 0.4 - 0}
   * @param estimate the estimate on {@code seeds}, null when there are none
   * @param perSeed the per-seed differences (points) of {@code seeds}
   * @param seeds the seeds in the estimate
   * @param collapsedA seeds where only {@code a} collapsed
   * @param collapsedB seeds where only {@code b} collapsed
   * @param collapsedBoth seeds where both collapsed
   * @param collapses whether collapsed seeds are in the estimate
   * @param refused why seeds were refused (different data seed or test examples)
   * @param crossed whether the estimate includes the test examples' variance
   */
  record Paired(String label, PairedEstimate estimate, double[] perSeed, List<Long> seeds,
      List<Long> collapsedA, List<Long> collapsedB, List<Long> collapsedBoth,
      Collapses collapses, List<String> refused, boolean crossed) {
    int n() {
      return seeds.size();
    }

    /** Seeds where exactly one arm collapsed. */
    int discordant() {
      return collapsedA.size() + collapsedB.size();
    }

    /** Seeds where some arm collapsed. */
    int anyCollapsed() {
      return discordant() + collapsedBoth.size();
    }
  }

  private static String shortId(String fingerprint) {
    return fingerprint.substring(0, Math.min(8, fingerprint.length()));
  }

  static Paired of(String label, PanelPoint a, PanelPoint b, Collapses collapses) {
    List<Long> seeds = new ArrayList<>();
    List<Long> onlyA = new ArrayList<>();
    List<Long> onlyB = new ArrayList<>();
    List<Long> both = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<Double> diffs = new ArrayList<>();
    List<boolean[]> rowsA = new ArrayList<>();
    List<boolean[]> rowsB = new ArrayList<>();
    String fingerprint = null;
    boolean crossed = true;
    for (Long seed : a.testBySeed().keySet()) {
      Double accB = b.testBySeed().get(seed);
      if (accB == null) {
        continue;
      }
      TrialPoint ta = a.trialsBySeed().get(seed);
      TrialPoint tb = b.trialsBySeed().get(seed);
      if (ta != null && tb != null) {
        if (ta.dataSeed() != tb.dataSeed()) {
          refused.add("seed " + seed + ": data seeds " + ta.dataSeed() + " and " + tb.dataSeed());
          continue;
        }
        if (!ta.testFingerprint().isEmpty() && !tb.testFingerprint().isEmpty()
            && !ta.testFingerprint().equals(tb.testFingerprint())) {
          refused.add("seed " + seed + ": scored on different test examples (fingerprints "
              + shortId(ta.testFingerprint()) + " vs " + shortId(tb.testFingerprint()) + ")");
          continue;
        }
        if (!ta.deviceKind().isEmpty() && !tb.deviceKind().isEmpty()
            && !ta.deviceKind().equals(tb.deviceKind())) {
          refused.add("seed " + seed + ": run on different devices (" + ta.device() + " vs "
              + tb.device() + "; " + ta.deviceKind() + " and " + tb.deviceKind() + " arithmetic "
              + "differ, so the difference would mix the device into the method's effect: "
              + "rerun one arm on the other's device kind)");
          continue;
        }
      }
      boolean ca = ta != null && ta.collapsed();
      boolean cb = tb != null && tb.collapsed();
      if (ca && cb) {
        both.add(seed);
      } else if (ca) {
        onlyA.add(seed);
      } else if (cb) {
        onlyB.add(seed);
      }
      if ((ca || cb) && collapses == Collapses.SET_ASIDE) {
        continue;
      }
      seeds.add(seed);
      diffs.add((a.testBySeed().get(seed) - accB) * 100);
      boolean usable = ta != null && tb != null && ta.outcomes() != null
          && tb.outcomes() != null && !ta.testFingerprint().isEmpty()
          && (fingerprint == null || fingerprint.equals(ta.testFingerprint()));
      if (usable) {
        fingerprint = ta.testFingerprint();
        rowsA.add(ta.outcomes().correct());
        rowsB.add(tb.outcomes().correct());
      } else {
        crossed = false;
      }
    }
    double[] perSeed = diffs.stream().mapToDouble(Double::doubleValue).toArray();
    if (seeds.isEmpty()) {
      return new Paired(label, null, perSeed, seeds, onlyA, onlyB, both, collapses, refused,
          false);
    }
    crossed &= rowsA.size() == seeds.size() && rowsA.get(0).length >= 2;
    PairedEstimate estimate;
    if (crossed) {
      int m = rowsA.get(0).length;
      double[][] d = new double[seeds.size()][m];
      for (int s = 0; s < d.length; s++) {
        for (int i = 0; i < m; i++) {
          d[s][i] = 100.0 * ((rowsA.get(s)[i] ? 1 : 0) - (rowsB.get(s)[i] ? 1 : 0));
        }
      }
      estimate = PairedEstimate.crossed(d);
    } else {
      estimate = PairedEstimate.seedsOnly(perSeed);
    }
    return new Paired(label, estimate, perSeed, seeds, onlyA, onlyB, both, collapses, refused,
        crossed);
  }
}
