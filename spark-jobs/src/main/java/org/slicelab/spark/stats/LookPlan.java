package org.slicelab.spark.stats;

import java.util.Arrays;

/**
 * A sequential design fixed before the first look: how many seeds each configuration has at
 * each look, and the error rate. Each look spends {@code alpha / looks} (Bonferroni over looks),
 * so a verdict reached at any look keeps its error rate no matter how often the claims were
 * looked at and how seeds were added in between.
 *
 * @param seedsAtLook seeds per configuration at looks 1..L (strictly increasing)
 * @param alpha family-wise error rate of each verdict over all looks
 */
public record LookPlan(int[] seedsAtLook, double alpha) {
  /** Family-wise error rate of the report (each verdict, over all looks). */
  public static final double ALPHA = 0.05;

  /** Checks the schedule. */
  public LookPlan {
    if (seedsAtLook.length == 0) {
      throw new IllegalArgumentException("a look plan needs at least one look");
    }
    for (int i = 0; i < seedsAtLook.length; i++) {
      if (seedsAtLook[i] < 1 || (i > 0 && seedsAtLook[i] <= seedsAtLook[i - 1])) {
        throw new IllegalArgumentException("seeds per look must be >= 1 and increasing, got "
            + Arrays.toString(seedsAtLook));
      }
    }
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 0.5), got " + alpha);
    }
    seedsAtLook = seedsAtLook.clone();
  }

  /** A single look at whatever seeds there are (a plain report). */
  public static LookPlan single(int seeds) {
    return new LookPlan(new int[] {Math.max(1, seeds)}, ALPHA);
  }

  /**
   * {@code looks} looks from {@code first} seeds to {@code max} seeds, evenly spaced (rounded).
   *
   * @throws IllegalArgumentException naming --looks / --max-seeds when they do not fit
   */
  public static LookPlan evenly(int first, int max, int looks) {
    if (looks < 1) {
      throw new IllegalArgumentException("option '--looks' = " + looks + " must be >= 1");
    }
    if (max < first + looks - 1) {
      throw new IllegalArgumentException("option '--max-seeds' = " + max + " is too small: the "
          + "grid already has " + first + " seed(s) and " + looks + " looks need at least "
          + (first + looks - 1));
    }
    int[] seeds = new int[looks];
    for (int l = 0; l < looks; l++) {
      seeds[l] = looks == 1 ? max
          : (int) Math.round(first + (max - first) * (double) l / (looks - 1));
    }
    return new LookPlan(seeds, ALPHA);
  }

  /** Number of looks. */
  public int looks() {
    return seedsAtLook.length;
  }

  /** The largest number of seeds. */
  public int maxSeeds() {
    return seedsAtLook[seedsAtLook.length - 1];
  }

  /** Error rate spent at each look. */
  public double alphaPerLook() {
    return alpha / looks();
  }

  /** Seeds at look {@code look} (1-based). */
  public int seeds(int look) {
    return seedsAtLook[look - 1];
  }

  @Override
  public int[] seedsAtLook() {
    return seedsAtLook.clone();
  }

  @Override
  public String toString() {
    return looks() + " look(s) at " + Arrays.toString(seedsAtLook) + " seeds, alpha "
        + alpha + " (" + alphaPerLook() + " per look)";
  }
}
