package org.slicelab.spark.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The estimate of a paired difference (configuration A minus B, in points) and of its variance,
 * with Student-t bounds.
 *
 * <h2>Two sources of noise</h2>
 * With per-example outcomes the differences form a seeds x examples matrix
 * {@code D[s][i] = 100 * (correct_A(s, i) - correct_B(s, i))} (every seed scored on the same
 * examples). Its mean estimates the difference on the <em>population</em> of seeds and examples;
 * its variance has a seed part, an example part and an interaction (a two-way crossed
 * random-effects model). The method-of-moments split of the ANOVA mean squares gives
 * <pre>
 *   Var(mean) = sigma2_seed / n + sigma2_example / m + sigma2_interaction / (n m)
 *             ~ (MS_seed + max(0, MS_example - MS_residual)) / (n m)
 * </pre>
 * with Satterthwaite's degrees of freedom ({@link #crossed}). Without per-example outcomes only
 * the per-seed differences are used (Student-t over seeds; test-set noise then is not in the
 * interval, see {@link #seedsOnly}).
 *
 * <p>For planning, the variance with {@code n'} seeds is {@code perSeed / n' + floor}: the seed
 * part shrinks with seeds, the example part ({@code floor}) only with more test examples.
 *
 * @param n seeds
 * @param examples examples per seed (0 when only per-seed values were used)
 * @param mean the mean difference (points)
 * @param variance the estimated variance of {@code mean}
 * @param df degrees of freedom of the t reference distribution (NaN when undefined)
 * @param perSeed the variance part that divides by the number of seeds
 * @param floor the part that does not shrink with seeds (test examples)
 */
public record PairedEstimate(int n, int examples, double mean, double variance, double df,
    double perSeed, double floor) {

  /** The estimate from a seeds x examples matrix of differences (points); needs >= 1 seed. */
  public static PairedEstimate crossed(double[][] d) {
    int n = d.length;
    if (n == 0) {
      throw new IllegalArgumentException("no paired seeds");
    }
    int m = d[0].length;
    if (m < 2) {
      throw new IllegalArgumentException("need at least 2 examples per seed, got " + m);
    }
    double[] rowMean = new double[n];
    double[] colSum = new double[m];
    double total = 0;
    double sumSq = 0;
    for (int s = 0; s < n; s++) {
      if (d[s].length != m) {
        throw new IllegalArgumentException("seed " + s + " has " + d[s].length
            + " examples, seed 0 has " + m + ": not a crossed design");
      }
      double row = 0;
      for (int i = 0; i < m; i++) {
        double v = d[s][i];
        row += v;
        colSum[i] += v;
        sumSq += v * v;
      }
      rowMean[s] = row / m;
      total += row;
    }
    double grand = total / (n * (double) m);
    double ssSeed = 0;
    for (double r : rowMean) {
      ssSeed += (r - grand) * (r - grand);
    }
    ssSeed *= m;
    double ssExample = 0;
    for (double c : colSum) {
      double cm = c / n;
      ssExample += (cm - grand) * (cm - grand);
    }
    ssExample *= n;
    double msExample = ssExample / (m - 1);
    if (n == 1) {
      // the example part is estimable (it includes the interaction); the seed part is not
      double floor = msExample / m;
      return new PairedEstimate(1, m, grand, Double.NaN, Double.NaN, Double.NaN, floor);
    }
    double ssTotal = sumSq - n * (double) m * grand * grand;
    double ssResidual = Math.max(0, ssTotal - ssSeed - ssExample);
    double msSeed = ssSeed / (n - 1);
    double msResidual = ssResidual / ((n - 1) * (double) (m - 1));
    double nm = n * (double) m;
    double exampleExcess = Math.max(0, msExample - msResidual);
    double variance = (msSeed + exampleExcess) / nm;
    double df;
    if (exampleExcess > 0) {
      double num = (msSeed + msExample - msResidual) * (msSeed + msExample - msResidual);
      double den = msSeed * msSeed / (n - 1) + msExample * msExample / (m - 1)
          + msResidual * msResidual / ((n - 1) * (double) (m - 1));
      df = den == 0 ? n - 1 : Math.max(1, num / den);
    } else {
      df = n - 1;
    }
    return new PairedEstimate(n, m, grand, variance, df, msSeed / m, exampleExcess / nm);
  }

  /** The estimate from one difference per seed (points): Student-t with n - 1 df. */
  public static PairedEstimate seedsOnly(double[] perSeedDifferences) {
    int n = perSeedDifferences.length;
    if (n == 0) {
      throw new IllegalArgumentException("no paired seeds");
    }
    double mean = 0;
    for (double v : perSeedDifferences) {
      mean += v;
    }
    mean /= n;
    if (n == 1) {
      return new PairedEstimate(1, 0, mean, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double ss = 0;
    for (double v : perSeedDifferences) {
      ss += (v - mean) * (v - mean);
    }
    double s2 = ss / (n - 1);
    return new PairedEstimate(n, 0, mean, s2 / n, n - 1, s2, 0);
  }

  /** Whether bounds exist (at least 2 seeds). */
  public boolean hasInterval() {
    return n >= 2 && !Double.isNaN(variance);
  }

  /** Standard error of the mean (NaN without an interval). */
  public double se() {
    return Math.sqrt(variance);
  }

  /** One-sided lower confidence bound at level {@code 1 - alpha}. */
  public double lower(double alpha) {
    return hasInterval() ? mean - t(1 - alpha, df) * se() : Double.NaN;
  }

  /** One-sided upper confidence bound at level {@code 1 - alpha}. */
  public double upper(double alpha) {
    return hasInterval() ? mean + t(1 - alpha, df) * se() : Double.NaN;
  }

  /**
   * The smallest number of seeds (at most {@code cap}) at which the one-sided bound at
   * {@code alpha} would clear {@code threshold} on the side of the mean, if the mean and the
   * variance parts stayed as observed: {@code mean - t * sqrt(perSeed / n' + floor) > threshold}
   * for a lower bound ({@code above} true), the mirror for an upper bound. {@code cap + 1} when
   * it would not happen within the cap (or never: the example part alone is too large, or the
   * mean is on the wrong side). {@code assumedPerSeed} replaces an unknown seed part (one seed).
   */
  public int seedsNeeded(double threshold, boolean above, double alpha, int cap,
      double assumedPerSeed) {
    double a = Double.isNaN(perSeed) ? assumedPerSeed : perSeed;
    double gap = above ? mean - threshold : threshold - mean;
    if (!(gap > 0) || Double.isNaN(a)) {
      return cap + 1;
    }
    for (int k = 2; k <= cap; k++) {
      double v = a / k + floor;
      if (t(1 - alpha, k - 1) * Math.sqrt(v) < gap) {
        return k;
      }
    }
    return cap + 1;
  }

  /** The {@code p} quantile of Student's t with {@code df} degrees of freedom. */
  public static double t(double p, double df) {
    return new TDistribution(null, df).inverseCumulativeProbability(p);
  }
}
