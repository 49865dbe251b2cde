package org.slicelab.spark.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * Thousands of synthetic experiments with known truth, set where each rule is at its limit: the
 * truth exactly at the margin or threshold, noise small enough that the rule can decide (a 90%
 * half-width of about 0.4 margins), several comparisons so that the corrections are exercised.
 * A wrong verdict's rate must then be near its nominal level (inside the 99.9% binomial range of
 * the simulation), and each test also shows that the uncorrected rule would fail the same check.
 * Differences are in points; seeds x examples matrices follow the crossed model
 * {@code D[s][i] = delta + seed_s + example_i + noise_si}.
 */
class StatsSimulationTest {
  private static final int SIMS = 4000;
  private static final double ALPHA = 0.05;
  private static final double MARGIN = 1.0;

  /** Noise of one crossed experiment (points). */
  private record Noise(double seedSd, double exampleSd, double residualSd, int examples) {
  }

  /** Seed-dominated, like the Figure 2 runs (seed sd 1-2 points, whole test split). */
  private static final Noise SEEDS = new Noise(1.5, 6, 15, 200);
  /** Example-dominated: the test set's own noise is most of the variance. */
  private static final Noise EXAMPLES = new Noise(0.2, 20, 10, 200);
  /**
   * Small enough that rules decide near the margin: with {@value #N} seeds the 90% half-width
   * is about 0.4 x {@value #MARGIN} (checked in {@link #theTightNoiseDecidesNearTheMargin}).
   */
  private static final Noise TIGHT = new Noise(0.35, 1.5, 4, 200);
  private static final int N = 6;

  private static double[][] matrix(SplittableRandom r, double delta, int n, Noise z) {
    double[] example = new double[z.examples()];
    for (int i = 0; i < example.length; i++) {
      example[i] = z.exampleSd() * r.nextGaussian();
    }
    double[][] d = new double[n][example.length];
    for (int s = 0; s < n; s++) {
      double seed = z.seedSd() * r.nextGaussian();
      for (int i = 0; i < example.length; i++) {
        d[s][i] = delta + seed + example[i] + z.residualSd() * r.nextGaussian();
      }
    }
    return d;
  }

  private static PairedEstimate tight(SplittableRandom r, double delta) {
    return PairedEstimate.crossed(matrix(r, delta, N, TIGHT));
  }

  private static double rate(long seed, Function<SplittableRandom, Boolean> event) {
    SplittableRandom r = new SplittableRandom(seed);
    int hits = 0;
    for (int k = 0; k < SIMS; k++) {
      hits += event.apply(r.split()) ? 1 : 0;
    }
    return (double) hits / SIMS;
  }

  /** The 99.9% range of the simulated rate of an event whose probability is {@code p}. */
  static double[] range(double p, int sims) {
    BinomialDistribution b = new BinomialDistribution(null, sims, p);
    return new double[] {b.inverseCumulativeProbability(0.0005) / (double) sims,
        b.inverseCumulativeProbability(0.9995) / (double) sims};
  }

  private static void assertNear(double p, double rate, String what) {
    double[] range = range(p, SIMS);
    assertTrue(rate >= range[0] && rate <= range[1], what + ": " + rate + " is outside "
        + Arrays.toString(range) + " around " + p);
  }

  private static boolean above(double p, double rate) {
    return rate > range(p, SIMS)[1];
  }

  @Test
  void theTightNoiseDecidesNearTheMargin() {
    SplittableRandom r = new SplittableRandom(0);
    double sum = 0;
    for (int k = 0; k < 200; k++) {
      PairedEstimate e = tight(r, 0);
      sum += (e.upper(ALPHA) - e.lower(ALPHA)) / 2;
    }
    double half = sum / 200;
    assertTrue(half > 0.3 * MARGIN && half < 0.5 * MARGIN, "90% half-width " + half);
  }

  @Test
  void crossedIntervalCoversAtNominalLevelWhereSeedsOnlyDoesNot() {
    for (Noise z : List.of(SEEDS, EXAMPLES)) {
      double delta = 0.7;
      double crossed = rate(1, r -> {
        PairedEstimate e = PairedEstimate.crossed(matrix(r, delta, 4, z));
        return e.lower(0.025) <= delta && delta <= e.upper(0.025);
      });
      assertTrue(crossed > 0.93 && crossed < 0.975, z + ": crossed coverage " + crossed);
    }
    // a seeds-only interval ignores the test set's noise: it under-covers when that dominates
    double seedsOnly = rate(2, r -> {
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
  void equivalenceReproducedAtTheMarginIsNearAlpha() {
    // three comparisons: one exactly at +margin or -margin, two truly equal; "reproduced" is
    // wrong, and it happens when the one at the margin falls inside (about alpha)
    double wrong = rate(3, r -> {
      double edge = r.nextBoolean() ? MARGIN : -MARGIN;
      return ClaimTests.equivalence(List.of(tight(r, 0), tight(r, edge), tight(r, 0)), MARGIN,
          ALPHA).verdict() == Verdict.REPRODUCED;
    });
    assertNear(ALPHA, wrong, "P(reproduced | a comparison at the margin)");
    // a rule that used the 95% interval (alpha twice) would fail this check
    double loose = rate(3, r -> {
      double edge = r.nextBoolean() ? MARGIN : -MARGIN;
      return ClaimTests.equivalence(List.of(tight(r, 0), tight(r, edge), tight(r, 0)), MARGIN,
          2 * ALPHA).verdict() == Verdict.REPRODUCED;
    });
    assertTrue(above(ALPHA, loose), "the check can fail: " + loose);
  }

  @Test
  void equivalenceNotReproducedWithEveryComparisonAtTheMarginIsNearAlphaByBonferroni() {
    // k = 3 comparisons, each exactly at +margin or -margin: the claim (inside) is just true, so
    // "not reproduced" is wrong; with alpha / 3 per comparison its rate is 1 - (1 - alpha/3)^3
    int k = 3;
    double wrong = rate(4, r -> {
      List<PairedEstimate> pairs = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        pairs.add(tight(r, r.nextBoolean() ? MARGIN : -MARGIN));
      }
      return ClaimTests.equivalence(pairs, MARGIN, ALPHA).verdict() == Verdict.NOT_REPRODUCED;
    });
    assertNear(ALPHA, wrong, "P(not reproduced | all at the margin)");
    double uncorrected = rate(4, r -> {
      boolean any = false;
      for (int i = 0; i < k; i++) {
        PairedEstimate e = tight(r, r.nextBoolean() ? MARGIN : -MARGIN);
        any |= e.lower(ALPHA) > MARGIN || e.upper(ALPHA) < -MARGIN;
      }
      return any;
    });
    assertTrue(above(ALPHA, uncorrected), "without Bonferroni: " + uncorrected);
  }

  @Test
  void existentialClaimsAreNearAlphaWithBonferroniOverTheComparisons() {
    // three declared comparisons, all exactly at the threshold (e.g. every small SIFT rate at
    // -margin, every larger rank equal to the smallest): any "reproduced" is wrong
    double threshold = -2.0;
    double wrong = rate(5, r -> ClaimTests.anyAbove(List.of(tight(r, threshold),
        tight(r, threshold), tight(r, threshold)), threshold, ALPHA).verdict()
        == Verdict.REPRODUCED);
    assertNear(ALPHA, wrong, "P(some arm above | all at the threshold)");
    double bestOfThree = rate(5, r -> {
      boolean any = false;
      for (int a = 0; a < 3; a++) {
        any |= tight(r, threshold).lower(ALPHA) > threshold;
      }
      return any;
    });
    assertTrue(above(ALPHA, bestOfThree), "best of 3 without correction: " + bestOfThree);
    // one comparison at the threshold: "not reproduced" (upper bound below) is wrong
    double wrongNot = rate(6, r -> ClaimTests.anyAbove(List.of(tight(r, threshold)), threshold,
        ALPHA).verdict() == Verdict.NOT_REPRODUCED);
    assertNear(ALPHA, wrongNot, "P(not reproduced | at the threshold)");
  }

  @Test
  void errorRatesHoldAcrossLooksOnlyWithTheAlphaSplit() {
    LookPlan plan = LookPlan.evenly(N, 3 * N, 3);
    assertEquals(List.of(6, 12, 18), toList(plan.seedsAtLook()));
    // equivalence with the truth at the margin, stopping at the first look that decides
    double split = rate(7, r -> firstVerdict(plan, r, d -> ClaimTests.equivalence(
        List.of(PairedEstimate.crossed(d)), MARGIN, plan.alphaPerLook()), MARGIN)
        == Verdict.REPRODUCED);
    double naive = rate(7, r -> firstVerdict(plan, r, d -> ClaimTests.equivalence(
        List.of(PairedEstimate.crossed(d)), MARGIN, ALPHA), MARGIN) == Verdict.REPRODUCED);
    assertTrue(!above(ALPHA, split) && split > ALPHA / plan.looks(),
        "sequential P(reproduced | delta = margin) = " + split);
    assertTrue(above(ALPHA, naive), "alpha at every look is anti-conservative: " + naive);
    // a one-sided claim with no effect (a rise between two equal ranks)
    double rise = rate(8, r -> firstVerdict(plan, r, d -> ClaimTests.anyAbove(List.of(
        PairedEstimate.crossed(d)), 0, plan.alphaPerLook()), 0) == Verdict.REPRODUCED);
    double riseNaive = rate(8, r -> firstVerdict(plan, r, d -> ClaimTests.anyAbove(List.of(
        PairedEstimate.crossed(d)), 0, ALPHA), 0) == Verdict.REPRODUCED);
    assertTrue(!above(ALPHA, rise) && rise > ALPHA / plan.looks(),
        "sequential P(rise | none) = " + rise);
    assertTrue(above(ALPHA, riseNaive), "alpha at every look: " + riseNaive);
  }

  /** Runs the looks on one growing experiment; returns the first decided verdict. */
  private static Verdict firstVerdict(LookPlan plan, SplittableRandom r,
      Function<double[][], Decision> rule, double delta) {
    double[][] all = matrix(r, delta, plan.maxSeeds(), TIGHT);
    for (int look = 1; look <= plan.looks(); look++) {
      Verdict v = rule.apply(Arrays.copyOf(all, plan.seeds(look))).verdict();
      if (v != Verdict.INCONCLUSIVE) {
        return v;
      }
    }
    return Verdict.INCONCLUSIVE;
  }

  @Test
  void signTestHoldsItsLevelWithHeavyTailsAndAcrossLooks() {
    LookPlan plan = LookPlan.evenly(3, 12, 3);
    // median 0, heavy tails (a collapse-like -20 in 1 of 10 seeds, symmetric +20 too)
    double wrong = rate(9, r -> {
      double[] all = new double[plan.maxSeeds()];
      for (int s = 0; s < all.length; s++) {
        double u = r.nextDouble();
        all[s] = u < 0.1 ? -20 : u < 0.2 ? 20 : r.nextGaussian();
      }
      for (int look = 1; look <= plan.looks(); look++) {
        Verdict v = ClaimTests.anyAbove(List.of(SignTest.of(Arrays.copyOf(all,
            plan.seeds(look)))), 0, plan.alphaPerLook()).verdict();
        if (v != Verdict.INCONCLUSIVE) {
          return v == Verdict.REPRODUCED;
        }
      }
      return false;
    });
    assertTrue(!above(ALPHA, wrong), "sequential sign test P(decline | none) = " + wrong);
    // exact: 5 positive seeds of 5 give p = 1/32, so it decides at alpha 0.05 but not 0.025
    SignTest five = SignTest.of(new double[] {1, 2, 3, 4, 5});
    assertEquals(1.0 / 32, five.pAbove(), 1e-12);
    assertEquals(Verdict.REPRODUCED, ClaimTests.anyAbove(List.of(five), 0, 0.05).verdict());
    assertEquals(Verdict.INCONCLUSIVE, ClaimTests.anyAbove(List.of(five), 0, 0.025).verdict());
    assertEquals(1.0, five.lower(0.05));
    // a collapse enters as a sign: +inf counts as positive, the median stays defined
    SignTest collapses = SignTest.of(new double[] {Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 2, 3});
    assertEquals(3, collapses.positives());
    assertEquals(2.5, collapses.median());
    assertEquals(0.0, SignTest.of(new double[] {Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY}).median());
  }

  @Test
  void powerInAKnownCase() {
    // truly equal configurations, seed sd 1 point, tiny test-set noise, margin 2: the TOST
    // interval half-width at n = 10 is about t(0.95, 9) * 1 / sqrt(10) = 0.58, so nearly
    // every experiment is decided "reproduced"; at n = 3 (half-width 1.7) many are not
    Noise z = new Noise(1.0, 1, 3, 200);
    double at10 = rate(10, r -> ClaimTests.equivalence(List.of(
        PairedEstimate.crossed(matrix(r, 0, 10, z))), 2.0, ALPHA).verdict()
        == Verdict.REPRODUCED);
    double at3 = rate(11, r -> ClaimTests.equivalence(List.of(
        PairedEstimate.crossed(matrix(r, 0, 3, z))), 2.0, ALPHA).verdict()
        == Verdict.REPRODUCED);
    assertTrue(at10 > 0.95, "power at n=10: " + at10);
    assertTrue(at3 < at10 - 0.2, "power at n=3: " + at3 + " vs n=10: " + at10);
    // and the planning formula agrees: at the true variance it asks for a handful of seeds
    PairedEstimate truth = new PairedEstimate(3, 0, 0, 1.0 / 3, 2, 1.0, 0, Double.NaN);
    int needed = truth.seedsNeeded(2.0, false, ALPHA, 100, Double.NaN);
    assertTrue(needed >= 3 && needed <= 5, "seeds needed " + needed);
  }

  @Test
  void plannedDegreesOfFreedomMatchTheIntervalsAtTheObservedSeeds() {
    SplittableRandom r = new SplittableRandom(13);
    for (Noise z : List.of(SEEDS, EXAMPLES, TIGHT)) {
      for (int n : new int[] {2, 3, 6}) {
        PairedEstimate e = PairedEstimate.crossed(matrix(r, 0.5, n, z));
        assertEquals(e.df(), e.dfAt(n), 1e-9 * e.df(), z + " n=" + n);
      }
    }
    // with the example part dominant, Satterthwaite's df is far above n - 1
    PairedEstimate examples = PairedEstimate.crossed(matrix(r, 0.5, 3, EXAMPLES));
    assertTrue(examples.dfAt(3) > 10, "df " + examples.dfAt(3));
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
