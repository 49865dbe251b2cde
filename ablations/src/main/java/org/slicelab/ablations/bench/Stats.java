package org.slicelab.ablations.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of timing samples: median, quartiles (linear interpolation between order
 * statistics, as numpy's default and R's type 7), interquartile range, min, max and mean.
 *
 * @param n number of samples
 * @param median the 0.5 quantile
 * @param q1 the 0.25 quantile
 * @param q3 the 0.75 quantile
 * @param min smallest sample
 * @param max largest sample
 * @param mean arithmetic mean
 */
public record Stats(int n, double median, double q1, double q3, double min, double max,
    double mean) {

  /** Summary of {@code samples} (not modified); NaN fields when empty. */
  public static Stats of(double[] samples) {
    if (samples.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN);
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return new Stats(sorted.length, quantileSorted(sorted, 0.5), quantileSorted(sorted, 0.25),
        quantileSorted(sorted, 0.75), sorted[0], sorted[sorted.length - 1], sum / sorted.length);
  }

  /** Summary of a list of samples. */
  public static Stats of(List<Double> samples) {
    return of(samples.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The p-quantile (0 <= p <= 1) of ascending {@code sorted}, linearly interpolated. */
  public static double quantileSorted(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    if (p < 0 || p > 1) {
      throw new IllegalArgumentException("quantile must be in [0, 1]: " + p);
    }
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Interquartile range q3 - q1. */
  public double iqr() {
    return q3 - q1;
  }

  /** IQR relative to the median (a unitless spread). */
  public double relativeIqr() {
    return median == 0 ? Double.NaN : iqr() / median;
  }
}
