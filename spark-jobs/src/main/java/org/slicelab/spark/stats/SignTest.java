package org.slicelab.spark.stats;

import java.util.Arrays;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * The sign test over seeds and its dual, the distribution-free confidence bounds of the median
 * from order statistics. Needs no normality and no variance estimate, so it is fit for a handful
 * of seeds and for outcomes with outliers: with n seeds, the lower bound at level 1 - alpha is
 * the k-th smallest difference for the largest k with P(Binomial(n, 1/2) &lt;= k - 1) &lt;= alpha,
 * and it is above 0 exactly when the one-sided sign test rejects "median &lt;= 0" at alpha.
 * Only the order of the values matters, so an outcome without a size (a run that collapsed, see
 * the report's collapse rule) may enter as {@code +/-infinity}: it counts as a sign.
 *
 * @param n values (ties at zero included: they count against the claimed side)
 * @param median the sample median
 * @param positives values above 0
 * @param negatives values below 0
 * @param sorted the values, ascending
 */
public record SignTest(int n, double median, int positives, int negatives, double[] sorted)
    implements Bounded {

  /** The test of {@code values} (one per seed). */
  public static SignTest of(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int pos = 0;
    int neg = 0;
    for (double v : s) {
      pos += v > 0 ? 1 : 0;
      neg += v < 0 ? 1 : 0;
    }
    int n = s.length;
    double median = n == 0 ? Double.NaN
        : n % 2 == 1 ? s[n / 2] : middle(s[n / 2 - 1], s[n / 2]);
    return new SignTest(n, median, pos, neg, s);
  }

  /** The mean of the two middle values; 0 between -infinity and +infinity. */
  private static double middle(double a, double b) {
    double m = a == b ? a : (a + b) / 2;
    return Double.isNaN(m) ? 0 : m;
  }

  /** The test of the same values with their signs flipped (the other one-sided direction). */
  public SignTest negated() {
    double[] flipped = new double[n];
    for (int i = 0; i < n; i++) {
      flipped[i] = -sorted[i];
    }
    return of(flipped);
  }

  /** The median. */
  @Override
  public double estimate() {
    return median;
  }

  /** Lower confidence bound of the median at {@code 1 - alpha} ({@code -inf} when too few). */
  @Override
  public double lower(double alpha) {
    int k = orderIndex(alpha);
    return k < 0 ? Double.NEGATIVE_INFINITY : sorted[k];
  }

  /** Upper confidence bound of the median at {@code 1 - alpha} ({@code +inf} when too few). */
  @Override
  public double upper(double alpha) {
    int k = orderIndex(alpha);
    return k < 0 ? Double.POSITIVE_INFINITY : sorted[n - 1 - k];
  }

  /** One-sided p-value of "median &lt;= 0" (values at exactly 0 count as not positive). */
  public double pAbove() {
    return pAbove(0);
  }

  /**
   * One-sided p-value of "median &lt;= threshold" (values at exactly the threshold count as
   * not above).
   */
  @Override
  public double pAbove(double threshold) {
    int above = 0;
    for (double v : sorted) {
      above += v > threshold ? 1 : 0;
    }
    return n == 0 ? 1 : 1 - new BinomialDistribution(null, n, 0.5).cumulativeProbability(
        above - 1);
  }

  /** 0-based index of the order statistic that bounds the median, -1 when none does. */
  private int orderIndex(double alpha) {
    if (n == 0) {
      return -1;
    }
    BinomialDistribution b = new BinomialDistribution(null, n, 0.5);
    int k = -1;
    // the j-th smallest (1-based) is a lower bound with coverage 1 - P(B <= j - 1)
    for (int j = 1; j <= n; j++) {
      if (b.cumulativeProbability(j - 1) <= alpha) {
        k = j - 1;
      } else {
        break;
      }
    }
    return k;
  }

  /**
   * Seeds the sign test needs (at most {@code cap}) to reject at {@code alpha} if the observed
   * share of positive values held; {@code cap + 1} when never.
   */
  public int seedsNeeded(double alpha, int cap) {
    double share = n == 0 ? 0 : (double) positives / n;
    if (share <= 0.5) {
      return cap + 1;
    }
    for (int k = 1; k <= cap; k++) {
      int pos = (int) Math.ceil(share * k - 1e-9);
      double p = 1 - new BinomialDistribution(null, k, 0.5).cumulativeProbability(pos - 1);
      if (p <= alpha) {
        return k;
      }
    }
    return cap + 1;
  }
}
