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
 * part shrinks with seeds, the example part ({@code floor}) only with more test examples; its
 * degrees of freedom are Satterthwaite's at {@code n'} seeds ({@link #dfAt}), the same formula
 * that gives {@code df} at the observed {@code n}.
 *
 * @param n seeds
 * @param examples examples per seed (0 when only per-seed values were used)
 * @param mean the mean difference (points)
 * @param variance the estimated variance of {@code mean}
 * @param df degrees of freedom of the t reference distribution (NaN when undefined)
 * @param perSeed the variance part that divides by the number of seeds
 * @param floor the part that does not shrink with seeds (test examples)
 * @param residual the residual (seed x example interaction) mean square of the crossed design,
 *     NaN when unknown (seeds only, or one seed); used for the degrees of freedom of a plan
 */
public record PairedEstimate(int n, int examples, double mean, double variance, double df,
    double perSeed, double floor, double residual) implements Bounded {

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
      return new PairedEstimate(1, m, grand, Double.NaN, Double.NaN, Double.NaN, floor,
          Double.NaN);
    }
    double ssTotal = sumSq - n * (double) m * grand * grand;
    double ssResidual = Math.max(0, ssTotal - ssSeed - ssExample);
    double msSeed = ssSeed / (n - 1);
    double msResidual = ssResidual / ((n - 1) * (double) (m - 1));
    double nm = n * (double) m;
    double exampleExcess = Math.max(0, msExample - msResidual);
    double variance = (msSeed + exampleExcess) / nm;
    double floor = exampleExcess / nm;
    return new PairedEstimate(n, m, grand, variance, satterthwaite(msSeed, floor, msResidual, n,
        m), msSeed / m, floor, msResidual);
  }

  /**
   * Satterthwaite's degrees of freedom of {@code (MS_seed + MS_example - MS_residual) / (k m)}
   * with {@code k} seeds, where the example mean square is projected from the observed example
   * part ({@code E[MS_example] = k m floor + MS_residual}). At the observed number of seeds it is
   * the usual formula; {@code k - 1} when there is no example part.
   */
  private static double satterthwaite(double msSeed, double floor, double msResidual, int k,
      int m) {
    if (!(floor > 0)) {
      return k - 1;
    }
    double r = Double.isNaN(msResidual) ? 0 : msResidual;
    double msExample = k * (double) m * floor + r;
    double num = (msSeed + msExample - r) * (msSeed + msExample - r);
    double den = msSeed * msSeed / (k - 1) + msExample * msExample / (m - 1)
        + r * r / ((k - 1) * (double) (m - 1));
    return den == 0 ? k - 1 : Math.max(1, num / den);
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
      return new PairedEstimate(1, 0, mean, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN);
    }
    double ss = 0;
    for (double v : perSeedDifferences) {
      ss += (v - mean) * (v - mean);
    }
    double s2 = ss / (n - 1);
    return new PairedEstimate(n, 0, mean, s2 / n, n - 1, s2, 0, Double.NaN);
  }

  /** Whether bounds exist (at least 2 seeds). */
  public boolean hasInterval() {
    return n >= 2 && !Double.isNaN(variance);
  }

  /** The mean difference. */
  @Override
  public double estimate() {
    return mean;
  }

  /** Standard error of the mean (NaN without an interval). */
  public double se() {
    return Math.sqrt(variance);
  }

  /** One-sided lower confidence bound at level {@code 1 - alpha}. */
  @Override
  public double lower(double alpha) {
    return hasInterval() ? mean - t(1 - alpha, df) * se() : Double.NaN;
  }

  /** One-sided upper confidence bound at level {@code 1 - alpha}. */
  @Override
  public double upper(double alpha) {
    return hasInterval() ? mean + t(1 - alpha, df) * se() : Double.NaN;
  }

  /** One-sided p-value of "mean difference &lt;= threshold" (1 without an interval). */
  @Override
  public double pAbove(double threshold) {
    if (!hasInterval()) {
      return 1;
    }
    return 1 - new TDistribution(null, df).cumulativeProbability((mean - threshold) / se());
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
    if (!clears(cap, a, gap, alpha)) {
      return cap + 1;
    }
    // the half-width shrinks with seeds (smaller variance, more df): bisect for the first k
    int lo = 1;
    int hi = cap;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (clears(mid, a, gap, alpha)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** Whether the one-sided half-width at {@code k >= 2} seeds is below {@code gap}. */
  private boolean clears(int k, double seedPart, double gap, double alpha) {
    return k >= 2 && t(1 - alpha, dfAt(k, seedPart)) * Math.sqrt(seedPart / k + floor) < gap;
  }

  /**
   * Degrees of freedom the interval would have with {@code k >= 2} seeds if the variance parts
   * stayed as observed (Satterthwaite, as for {@code df}): {@code k - 1} without an example part,
   * more when the test examples' part, estimated from many examples, carries weight.
   */
  public double dfAt(int k) {
    return dfAt(k, perSeed);
  }

  private double dfAt(int k, double seedPart) {
    if (k < 2) {
      throw new IllegalArgumentException("degrees of freedom need at least 2 seeds, got " + k);
    }
    return examples < 2 ? k - 1 : satterthwaite(seedPart * examples, floor, residual, k,
        examples);
  }

  /** The {@code p} quantile of Student's t with {@code df} degrees of freedom. */
  public static double t(double p, double df) {
    return new TDistribution(null, df).inverseCumulativeProbability(p);
  }
}
