package org.slicelab.spark.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Thousands of synthetic experiments with known truth: every rule's type-I error stays at or
 * below its nominal level (at one look and across sequential looks), the crossed interval covers
 * at about its nominal level, and power is as expected in a known case. Differences are in
 * points; seeds x examples matrices follow the crossed model
 * {@code D[s][i] = delta + seed_s + example_i + noise_si}.
 */
class StatsSimulationTest {
  private static final int SIMS = 2000;
  /** Monte-Carlo slack: about 2.5 standard errors of a rate near 0.05 at 2000 runs. */
  private static final double SLACK = 0.012;
  private static final double ALPHA = 0.05;

  /** Noise of one crossed experiment (points). */
  private record Noise(double seedSd, double exampleSd, double residualSd, int examples) {
  }

  /** Seed-dominated, like the Figure 2 runs (seed sd 1-2 points, whole test split). */
  private static final Noise SEEDS = new Noise(1.5, 6, 15, 200);
  /** Example-dominated: the test set's own noise is most of the variance. */
  private static final Noise EXAMPLES = new Noise(0.2, 20, 10, 200);

  private static double[][] matrix(SplittableRandom r, double delta, int n, Noise z) {
    double[] example = new double[z.examples()];
    for (int i = 0; i < example.length; i++) {
      example[i] = z.exampleSd() * r.nextGaussian();
    }
    return rows(r, delta, n, z, example);
  }

  private static double[][] rows(SplittableRandom r, double delta, int n, Noise z,
      double[] example) {
    double[][] d = new double[n][example.length];
    for (int s = 0; s < n; s++) {
      double seed = z.seedSd() * r.nextGaussian();
      for (int i = 0; i < example.length; i++) {
        d[s][i] = delta + seed + example[i] + z.residualSd() * r.nextGaussian();
      }
    }
    return d;
  }

  private static double rate(int sims, long seed, Function<SplittableRandom, Boolean> event) {
    SplittableRandom r = new SplittableRandom(seed);
    int hits = 0;
    for (int k = 0; k < sims; k++) {
      hits += event.apply(r.split()) ? 1 : 0;
    }
    return (double) hits / sims;
  }

  @Test
  void crossedIntervalCoversAtNominalLevelWhereSeedsOnlyDoesNot() {
    for (Noise z : List.of(SEEDS, EXAMPLES)) {
      double delta = 0.7;
      double crossed = rate(SIMS, 1, r -> {
        PairedEstimate e = PairedEstimate.crossed(matrix(r, delta, 4, z));
        return e.lower(0.025) <= delta && delta <= e.upper(0.025);
      });
      assertTrue(crossed > 0.93 && crossed < 0.975, z + ": crossed coverage " + crossed);
    }
    // a seeds-only interval ignores the test set's noise: it under-covers when that dominates
    double seedsOnly = rate(SIMS, 2, r -> {
      double[][] d = matrix(r, 0.7, 4, EXAMPLES);
      double[] perSeed = new double[d.length];
      for (int s = 0; s < d.length; s++) {
        for (double v : d[s]) {
          perSeed[s] += v / d[s].length;
        }
      }
      PairedEstimate e = PairedEstimate.seedsOnly(perSeed);
      return e.lower(0.025) <= 0.7 && 0.7 <= e.upper(0.025);
    });
    assertTrue(seedsOnly < 0.85, "seeds-only coverage should collapse here: " + seedsOnly);
  }

  @Test
  void equivalenceTypeOneErrorAtTheMarginIsAtMostAlpha() {
    double margin = 1.0;
    for (Noise z : List.of(SEEDS, EXAMPLES)) {
      // one comparison exactly at the margin, two truly equal: "reproduced" is a wrong verdict
      double wrong = rate(SIMS, 3, r -> {
        double[] example = new double[z.examples()];
        for (int i = 0; i < example.length; i++) {
          example[i] = z.exampleSd() * r.nextGaussian();
        }
        List<PairedEstimate> pairs = List.of(
            PairedEstimate.crossed(rows(r, margin, 6, z, example)),
            PairedEstimate.crossed(rows(r, 0, 6, z, example)),
            PairedEstimate.crossed(rows(r, 0, 6, z, example)));
        return ClaimTests.equivalence(pairs, margin, ALPHA).verdict() == Verdict.REPRODUCED;
      });
      assertTrue(wrong <= ALPHA + SLACK, z + ": P(reproduced | delta = margin) = " + wrong);
    }
    // truly equivalent (delta = 0): "not reproduced" is a wrong verdict
    double wrongNot = rate(SIMS, 4, r -> ClaimTests.equivalence(List.of(
        PairedEstimate.crossed(matrix(r, 0, 3, SEEDS))), 0.5, ALPHA).verdict()
        == Verdict.NOT_REPRODUCED);
    assertTrue(wrongNot <= ALPHA + SLACK, "P(not reproduced | equal) = " + wrongNot);
  }

  @Test
  void errorRatesHoldAcrossSequentialLooks() {
    LookPlan plan = LookPlan.evenly(3, 15, 4);
    assertEquals(List.of(3, 7, 11, 15), toList(plan.seedsAtLook()));
    double margin = 1.0;
    // equivalence at the margin, stopping at the first look that decides
    double wrong = rate(SIMS, 5, r -> firstVerdict(plan, r, n -> ClaimTests.equivalence(
        List.of(PairedEstimate.crossed(n)), margin, plan.alphaPerLook()), margin, SEEDS)
        == Verdict.REPRODUCED);
    assertTrue(wrong <= ALPHA + SLACK, "sequential P(reproduced | delta = margin) = " + wrong);
    // without the split the same design is anti-conservative: the test can fail
    double naive = rate(SIMS, 5, r -> firstVerdict(plan, r, n -> ClaimTests.equivalence(
        List.of(PairedEstimate.crossed(n)), margin, ALPHA), margin, SEEDS)
        == Verdict.REPRODUCED);
    assertTrue(naive > wrong, "alpha per look must cost something: " + naive + " vs " + wrong);
    // one-sided claim with no effect
    double rise = rate(SIMS, 6, r -> firstVerdict(plan, r, n -> ClaimTests.above(
        PairedEstimate.crossed(n), 0, plan.alphaPerLook()), 0, SEEDS) == Verdict.REPRODUCED);
    assertTrue(rise <= ALPHA + SLACK, "sequential P(rise | none) = " + rise);
  }

  /** Runs the looks on one growing experiment; returns the first decided verdict. */
  private static Verdict firstVerdict(LookPlan plan, SplittableRandom r,
      Function<double[][], Decision> rule, double delta, Noise z) {
    double[][] all = matrix(r, delta, plan.maxSeeds(), z);
    for (int look = 1; look <= plan.looks(); look++) {
      double[][] seen = java.util.Arrays.copyOf(all, plan.seeds(look));
      Verdict v = rule.apply(seen).verdict();
      if (v != Verdict.INCONCLUSIVE) {
        return v;
      }
    }
    return Verdict.INCONCLUSIVE;
  }

  @Test
  void nonInferiorityTypeOneErrorWithBonferroniOverArms() {
    double margin = 2.0;
    // all three declared rates exactly at -margin: any "reproduced" is wrong
    double wrong = rate(SIMS, 7, r -> {
      List<PairedEstimate> arms = new ArrayList<>();
      for (int a = 0; a < 3; a++) {
        arms.add(PairedEstimate.crossed(matrix(r, -margin, 5, SEEDS)));
      }
      return ClaimTests.nonInferiority(arms, margin, ALPHA).verdict() == Verdict.REPRODUCED;
    });
    assertTrue(wrong <= ALPHA + SLACK, "P(non-inferior | all at -margin) = " + wrong);
    // picking the best arm without the correction would not hold the level
    double unadjusted = rate(SIMS, 7, r -> {
      boolean any = false;
      for (int a = 0; a < 3; a++) {
        any |= PairedEstimate.crossed(matrix(r, -margin, 5, SEEDS)).lower(ALPHA) > -margin;
      }
      return any;
    });
    assertTrue(unadjusted > ALPHA + SLACK, "best-of-3 without correction: " + unadjusted);
    double wrongNot = rate(SIMS, 8, r -> ClaimTests.nonInferiority(List.of(
        PairedEstimate.crossed(matrix(r, -margin, 5, SEEDS))), margin, ALPHA).verdict()
        == Verdict.NOT_REPRODUCED);
    assertTrue(wrongNot <= ALPHA + SLACK, "P(inferior | at -margin) = " + wrongNot);
  }

  @Test
  void signTestHoldsItsLevelWithHeavyTailsAndAcrossLooks() {
    LookPlan plan = LookPlan.evenly(3, 12, 3);
    // median 0, heavy tails (a collapse-like -20 in 1 of 5 seeds, symmetric +20 too)
    double wrong = rate(SIMS, 9, r -> {
      double[] all = new double[plan.maxSeeds()];
      for (int s = 0; s < all.length; s++) {
        double u = r.nextDouble();
        all[s] = u < 0.1 ? -20 : u < 0.2 ? 20 : r.nextGaussian();
      }
      for (int look = 1; look <= plan.looks(); look++) {
        Verdict v = ClaimTests.signAbove(SignTest.of(java.util.Arrays.copyOf(all,
            plan.seeds(look))), plan.alphaPerLook()).verdict();
        if (v != Verdict.INCONCLUSIVE) {
          return v == Verdict.REPRODUCED;
        }
      }
      return false;
    });
    assertTrue(wrong <= ALPHA + SLACK, "sequential sign test P(decline | none) = " + wrong);
    // exact: 5 positive seeds of 5 give p = 1/32, so it decides at alpha 0.05 but not 0.025
    SignTest five = SignTest.of(new double[] {1, 2, 3, 4, 5});
    assertEquals(1.0 / 32, five.pAbove(), 1e-12);
    assertEquals(Verdict.REPRODUCED, ClaimTests.signAbove(five, 0.05).verdict());
    assertEquals(Verdict.INCONCLUSIVE, ClaimTests.signAbove(five, 0.025).verdict());
    assertEquals(1.0, five.lower(0.05));
  }

  @Test
  void powerInAKnownCase() {
    // truly equal configurations, seed sd 1 point, tiny test-set noise, margin 2: the TOST
    // interval half-width at n = 10 is about t(0.95, 9) * 1 / sqrt(10) = 0.58, so nearly
    // every experiment is decided "reproduced"; at n = 3 (half-width 1.7) many are not
    Noise z = new Noise(1.0, 1, 3, 200);
    double at10 = rate(SIMS, 10, r -> ClaimTests.equivalence(List.of(
        PairedEstimate.crossed(matrix(r, 0, 10, z))), 2.0, ALPHA).verdict()
        == Verdict.REPRODUCED);
    double at3 = rate(SIMS, 11, r -> ClaimTests.equivalence(List.of(
        PairedEstimate.crossed(matrix(r, 0, 3, z))), 2.0, ALPHA).verdict()
        == Verdict.REPRODUCED);
    assertTrue(at10 > 0.95, "power at n=10: " + at10);
    assertTrue(at3 < at10 - 0.2, "power at n=3: " + at3 + " vs n=10: " + at10);
    // and the planning formula agrees: at the true variance it asks for a handful of seeds
    PairedEstimate truth = new PairedEstimate(3, 200, 0, 1.0 / 3, 2, 1.0, 0);
    int needed = truth.seedsNeeded(2.0, false, ALPHA, 100, Double.NaN);
    assertTrue(needed >= 3 && needed <= 5, "seeds needed " + needed);
  }

  @Test
  void varianceSplitRecoversKnownComponents() {
    // large experiment: the seed part and the example floor come out near the truth
    SplittableRandom r = new SplittableRandom(12);
    Noise z = new Noise(2.0, 10, 5, 2000);
    PairedEstimate e = PairedEstimate.crossed(matrix(r, 0, 40, z));
    assertEquals(4.0 + 25.0 / 2000, e.perSeed(), 1.5);
    assertEquals(100.0 / 2000, e.floor(), 0.02);
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> out = new ArrayList<>();
    for (int v : a) {
      out.add(v);
    }
    return out;
  }
}
