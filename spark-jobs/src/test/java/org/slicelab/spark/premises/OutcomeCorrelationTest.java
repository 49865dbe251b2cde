package org.slicelab.spark.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spearman's rho within seeds and the t interval over seeds, on numbers with known answers. */
class OutcomeCorrelationTest {

  private static List<OutcomeCorrelation.Point> seed(long seed, double[] energy,
      double[] accuracy) {
    List<OutcomeCorrelation.Point> out = new ArrayList<>();
    for (int i = 0; i < energy.length; i++) {
      out.add(new OutcomeCorrelation.Point("c" + i, seed, energy[i], accuracy[i]));
    }
    return out;
  }

  @Test
  void spearmanIsTheRankCorrelationWithAverageRanksForTies() {
    // d = (0, 1, -1, 0): rho = 1 - 6 * 2 / (4 * 15) = 0.8
    assertEquals(0.8, OutcomeCorrelation.spearman(seed(1, new double[] {1, 2, 3, 4},
        new double[] {0.1, 0.3, 0.2, 0.4})), 1e-12);
    // monotone but not linear: 1
    assertEquals(1.0, OutcomeCorrelation.spearman(seed(1, new double[] {1e-6, 1e-3, 0.5, 0.9},
        new double[] {0.5, 0.51, 0.52, 0.9})), 1e-12);
    // ties in energy, ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4): 4.5 / sqrt(4.5 * 5)
    assertEquals(4.5 / Math.sqrt(22.5), OutcomeCorrelation.spearman(seed(1,
        new double[] {1, 1, 2, 3}, new double[] {1, 2, 3, 4})), 1e-12);
  }

  @Test
  void aSeedWithTooFewConfigurationsOrConstantValuesHasNoCorrelation() {
    assertTrue(Double.isNaN(OutcomeCorrelation.spearman(seed(1, new double[] {1, 2},
        new double[] {1, 2}))));
    assertTrue(Double.isNaN(OutcomeCorrelation.spearman(seed(1, new double[] {1, 2, 3},
        new double[] {0.5, 0.5, 0.5}))));
    OutcomeCorrelation one = OutcomeCorrelation.of(seed(1, new double[] {1, 2, 3},
        new double[] {1, 2, 3}));
    assertEquals(List.of(1L), one.seeds());
    assertTrue(Double.isNaN(one.ciLow()), "no interval from one seed");
    assertEquals(OutcomeCorrelation.INCONCLUSIVE, one.verdict());
  }

  @Test
  void theIntervalIsStudentsTOverThePerSeedCorrelations() {
    List<OutcomeCorrelation.Point> points = new ArrayList<>();
    points.addAll(seed(1, new double[] {1, 2, 3, 4}, new double[] {0.1, 0.3, 0.2, 0.4})); // 0.8
    points.addAll(seed(2, new double[] {1, 2, 3, 4}, new double[] {0.1, 0.2, 0.3, 0.4})); // 1
    points.addAll(seed(3, new double[] {4, 3, 2, 1}, new double[] {0.1, 0.2, 0.3, 0.4})); // -1
    OutcomeCorrelation c = OutcomeCorrelation.of(points);
    assertEquals(List.of(1L, 2L, 3L), c.seeds());
    assertEquals(4, c.configurations());
    double mean = 0.8 / 3;
    double sd = Math.sqrt((Math.pow(0.8 - mean, 2) + Math.pow(1 - mean, 2)
        + Math.pow(-1 - mean, 2)) / 2);
    double half = 4.302652729911275 * sd / Math.sqrt(3); // t(2) at 0.975
    assertEquals(mean, c.mean(), 1e-12);
    assertEquals(Math.max(-1, mean - half), c.ciLow(), 1e-9);
    assertEquals(Math.min(1, mean + half), c.ciHigh(), 1e-9);
    assertEquals(OutcomeCorrelation.INCONCLUSIVE, c.verdict());
    assertEquals("1:0.800 2:1.000 3:-1.000", c.perSeedText());
  }

  @Test
  void verdictsFollowTheIntervalAgainstZeroAndTheNegligibleBand() {
    assertEquals(OutcomeCorrelation.YES, OutcomeCorrelation.verdict(0.1, 0.9));
    assertEquals(OutcomeCorrelation.YES, OutcomeCorrelation.verdict(-0.9, -0.2));
    assertEquals(OutcomeCorrelation.NO, OutcomeCorrelation.verdict(-0.3, 0.4));
    assertEquals(OutcomeCorrelation.INCONCLUSIVE, OutcomeCorrelation.verdict(-0.3, 0.7));
    // a consistent perfect dependence over three seeds is predictive
    List<OutcomeCorrelation.Point> points = new ArrayList<>();
    for (long s = 1; s <= 3; s++) {
      points.addAll(seed(s, new double[] {1, 2, 3, 4 + s}, new double[] {0.1, 0.3, 0.2, 0.4}));
    }
    OutcomeCorrelation c = OutcomeCorrelation.of(points);
    assertEquals(0.8, c.mean(), 1e-12);
    assertEquals(OutcomeCorrelation.YES, c.verdict(), c.toString());
  }

  @Test
  void twoConfigurationsCountConcordantSeedsWithASignTest() {
    List<OutcomeCorrelation.Point> points = new ArrayList<>();
    for (long seed = 1; seed <= 10; seed++) {
      points.addAll(seed(seed, new double[] {0.02, 0.002}, new double[] {0.79, 0.76}));
    }
    points.addAll(seed(11, new double[] {0.02, 0.002}, new double[] {0.75, 0.76})); // discordant
    points.addAll(seed(12, new double[] {0.02, 0.002}, new double[] {0.76, 0.76})); // tie
    points.add(new OutcomeCorrelation.Point("c0", 13, 0.02, 0.8)); // one arm only
    OutcomeCorrelation.Concordance c = OutcomeCorrelation.Concordance.of(points);
    assertEquals(10, c.concordant());
    assertEquals(1, c.discordant());
    // two-sided: 2 * P(X >= 10), X ~ Binomial(11, 1/2) = 2 * 12 / 2048
    assertEquals(24.0 / 2048, c.signTestP(), 1e-12);
    assertEquals(1.0, OutcomeCorrelation.Concordance.of(seed(1, new double[] {1, 2},
        new double[] {0.5, 0.5})).signTestP(), "no scored seed: p = 1");
    assertEquals(null, OutcomeCorrelation.Concordance.of(seed(1, new double[] {1, 2, 3},
        new double[] {1, 2, 3})), "three configurations have a rank correlation instead");
  }

  @Test
  void theSignTestKeepsItsErrorRateWhenEnergyAndAccuracyAreIndependent() {
    // the null at its boundary: each seed's order of accuracy is a coin flip whatever the energy.
    // With 12 seeds the exact two-sided test rejects at p <= 0.05 when 10 or more seeds agree
    // either way (2 * 79 / 4096 = 0.0386) and at p <= 0.025 when 11 or more do (2 * 13 / 4096 =
    // 0.0063). A one-sided p would reject 0.0386 at 0.025 as well; a tail off by one seed would
    // reject 0.146 at 0.05.
    java.util.Random random = new java.util.Random(7);
    int runs = 20_000;
    int at05 = 0;
    int at025 = 0;
    for (int run = 0; run < runs; run++) {
      List<OutcomeCorrelation.Point> points = new ArrayList<>();
      for (long seed = 1; seed <= 12; seed++) {
        points.addAll(seed(seed, new double[] {random.nextDouble(), random.nextDouble()},
            new double[] {random.nextDouble(), random.nextDouble()}));
      }
      double p = OutcomeCorrelation.Concordance.of(points).signTestP();
      at05 += p <= 0.05 ? 1 : 0;
      at025 += p <= 0.025 ? 1 : 0;
    }
    double rate05 = (double) at05 / runs;
    double rate025 = (double) at025 / runs;
    assertTrue(rate05 > 0.030 && rate05 < 0.047, "rate at 0.05: " + rate05 + ", exact 0.0386");
    assertTrue(rate025 > 0.004 && rate025 < 0.0088, "rate at 0.025: " + rate025
        + ", exact 0.0063");
  }
}
