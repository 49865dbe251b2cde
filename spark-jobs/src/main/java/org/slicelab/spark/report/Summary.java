package org.slicelab.spark.report;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean, sample standard deviation and a two-sided Student-t confidence interval of a few values
 * (one per seed).
 *
 * <p>With n = 1 the standard deviation and the interval are undefined: they are {@code NaN}
 * here and null in the Parquet tables, never a made-up zero. With n ≥ 2 the interval is
 * {@code mean ± t(1 - (1 - level) / 2, n - 1) · std / sqrt(n)}.
 *
 * @param n number of values
 * @param mean arithmetic mean ({@code NaN} when n = 0)
 * @param std sample standard deviation, denominator n - 1 ({@code NaN} when n < 2)
 * @param ciLow lower end of the interval ({@code NaN} when n < 2)
 * @param ciHigh upper end of the interval ({@code NaN} when n < 2)
 * @param level confidence level of the interval, e.g. 0.95
 */
public record Summary(int n, double mean, double std, double ciLow, double ciHigh,
    double level) {
  /** The confidence level used throughout the report. */
  public static final double LEVEL = 0.95;

  /** Summary of {@code values} with a {@value #LEVEL} interval. */
  public static Summary of(double... values) {
    return atLevel(LEVEL, values);
  }

  /** Summary of {@code values} with an interval at {@code level} (in (0, 1)). */
  public static Summary atLevel(double level, double... values) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1): " + level);
    }
    int n = values.length;
    if (n == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, level);
    }
    double mean = Arrays.stream(values).sum() / n;
    if (n == 1) {
      return new Summary(1, mean, Double.NaN, Double.NaN, Double.NaN, level);
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / (n - 1));
    double half = tQuantile(1 - (1 - level) / 2, n - 1) * std / Math.sqrt(n);
    return new Summary(n, mean, std, mean - half, mean + half, level);
  }

  /** The {@code p} quantile of Student's t with {@code df} degrees of freedom. */
  public static double tQuantile(double p, int df) {
    return new TDistribution(null, df).inverseCumulativeProbability(p);
  }

  /** Whether the interval exists (n ≥ 2). */
  public boolean hasInterval() {
    return n >= 2 && !Double.isNaN(ciLow);
  }

  /** Half-width of the interval, {@code NaN} when undefined. */
  public double halfWidth() {
    return hasInterval() ? (ciHigh - ciLow) / 2 : Double.NaN;
  }

  /** Every value multiplied by {@code factor} (e.g. 100 for accuracy in points). */
  public Summary scaled(double factor) {
    return new Summary(n, mean * factor, std * Math.abs(factor),
        factor >= 0 ? ciLow * factor : ciHigh * factor,
        factor >= 0 ? ciHigh * factor : ciLow * factor, level);
  }
}
