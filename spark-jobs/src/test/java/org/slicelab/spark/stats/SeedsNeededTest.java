package org.slicelab.spark.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The seeds-needed plan agrees with the intervals it plans for. */
class SeedsNeededTest {
  /** A seeds x examples matrix dominated by the test examples' noise (points). */
  private static double[][] exampleDominated(SplittableRandom r, double delta, int n) {
    int m = 300;
    double[] example = new double[m];
    for (int i = 0; i < m; i++) {
      example[i] = 20 * r.nextGaussian();
    }
    double[][] d = new double[n][m];
    for (int s = 0; s < n; s++) {
      double seed = 0.2 * r.nextGaussian();
      for (int i = 0; i < m; i++) {
        d[s][i] = delta + seed + example[i] + 10 * r.nextGaussian();
      }
    }
    return d;
  }

  @Test
  void aBoundThatClearsTheThresholdNowNeedsNoMoreSeeds() {
    // the interval uses Satterthwaite's df (large here: the example part is estimated from 300
    // examples); a plan with df = k - 1 would ask for more seeds than the interval already has
    SplittableRandom r = new SplittableRandom(21);
    double alpha = 0.025;
    for (int k = 0; k < 20; k++) {
      PairedEstimate e = PairedEstimate.crossed(exampleDominated(r, 3.0, 3));
      double threshold = e.lower(alpha) - 0.01;
      int needed = e.seedsNeeded(threshold, true, alpha, 200, Double.NaN);
      assertTrue(needed <= 3, "the lower bound " + e.lower(alpha) + " already clears "
          + threshold + " at 3 seeds (df " + e.df() + "), planned " + needed);
    }
  }
}
