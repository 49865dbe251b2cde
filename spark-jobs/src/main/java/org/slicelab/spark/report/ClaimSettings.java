package org.slicelab.spark.report;

import org.slicelab.spark.stats.LookPlan;

/**
 * How the claims are judged: the equivalence margin, the look plan (error rate per look), which
 * look this is, the verdicts earlier looks reached, and the assumptions used to plan seeds.
 *
 * @param margin equivalence margin of Figure 2 (b)-(d), points (the paper's ±1 by default)
 * @param plan the sequential plan (a single look for a plain report)
 * @param look the current look, 1-based
 * @param frozen verdicts reached at earlier looks, kept ({@link FrozenVerdicts#NONE} for none)
 */
public record ClaimSettings(double margin, LookPlan plan, int look, FrozenVerdicts frozen) {
  /** The paper's equivalence margin ("within ±1%"), read as points. */
  public static final double DEFAULT_MARGIN = 1.0;
  /** The wider margin every equivalence claim is also judged at. */
  public static final double WIDE_MARGIN = 2.0;
  /**
   * Seed standard deviation of a paired difference assumed when one seed leaves it unknown
   * (points): the full grid's 3-seed run measured 0.9 to 1.8.
   */
  public static final double ASSUMED_SEED_SD = 1.5;
  /** Largest seed count a plan is computed for. */
  public static final int SEEDS_CAP = 200;

  /** Validates. */
  public ClaimSettings {
    if (!(margin > 0 && margin <= 50)) {
      throw new IllegalArgumentException("option '--margin' = " + margin + " must be in (0, 50] "
          + "points");
    }
    if (look < 1 || look > plan.looks()) {
      throw new IllegalArgumentException("look " + look + " is outside the plan " + plan);
    }
  }

  /** Settings without frozen verdicts. */
  public ClaimSettings(double margin, LookPlan plan, int look) {
    this(margin, plan, look, FrozenVerdicts.NONE);
  }

  /** Defaults for a plain report: margin ±1 point, one look. */
  public static ClaimSettings defaults(int seeds) {
    return new ClaimSettings(DEFAULT_MARGIN, LookPlan.single(seeds), 1);
  }

  /** The variance of a paired difference over seeds assumed when one seed leaves it unknown. */
  public static double assumedPerSeed() {
    return ASSUMED_SEED_SD * ASSUMED_SEED_SD;
  }

  /** The error rate spent at this look. */
  public double alpha() {
    return plan.alphaPerLook();
  }
}
