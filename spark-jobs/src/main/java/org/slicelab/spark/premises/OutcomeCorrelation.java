package org.slicelab.spark.premises;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Does the step-0 slice energy of a configuration predict its test accuracy? The Spearman rank
 * correlation (ties get average ranks) between the configurations' energies and accuracies,
 * computed within each seed (each seed has its own head, training sample and step-0 gradient),
 * then averaged over seeds with a Student-t interval over the per-seed correlations.
 *
 * <p>Definitions (ours, fixed before any outcome was seen): a seed's correlation is defined when
 * it has at least {@value #MIN_CONFIGURATIONS} configurations and neither energies nor
 * accuracies are all equal; the interval needs two seeds with a defined correlation. Verdict
 * {@code yes} (predictive) when the {@value #LEVEL} interval excludes 0; {@code no} when it lies
 * inside +-{@value #NEGLIGIBLE} (at most a moderate rank correlation either way); else
 * {@code inconclusive}.
 *
 * @param seeds seeds with a defined correlation, ascending
 * @param perSeed the correlation of each of {@code seeds}
 * @param configurations distinct configurations over all seeds
 * @param mean mean of the per-seed correlations (NaN without any)
 * @param ciLow lower end of the interval (NaN with fewer than two seeds)
 * @param ciHigh upper end of the interval
 * @param verdict yes, no or inconclusive
 */
public record OutcomeCorrelation(List<Long> seeds, List<Double> perSeed, int configurations,
    double mean, double ciLow, double ciHigh, String verdict) {
  /** Fewest configurations for a seed's rank correlation. */
  public static final int MIN_CONFIGURATIONS = 3;
  /** Confidence level of the interval over seeds. */
  public static final double LEVEL = 0.95;
  /** A correlation interval inside +- this bound means "no" dependence. */
  public static final double NEGLIGIBLE = 0.5;
  /** Verdict: the interval excludes 0. */
  public static final String YES = "yes";
  /** Verdict: the interval lies inside +-{@link #NEGLIGIBLE}. */
  public static final String NO = "no";
  /** Verdict: neither. */
  public static final String INCONCLUSIVE = "inconclusive";

  /**
   * One configuration at one seed.
   *
   * @param configuration the configuration (the trial spec without its seed)
   * @param seed the trial seed
   * @param energy step-0 slice energy (share)
   * @param accuracy test accuracy
   */
  public record Point(String configuration, long seed, double energy, double accuracy) {
  }

  /** The correlation of {@code points}. */
  public static OutcomeCorrelation of(List<Point> points) {
    Map<Long, List<Point>> bySeed = new TreeMap<>();
    for (Point p : points) {
      bySeed.computeIfAbsent(p.seed(), s -> new ArrayList<>()).add(p);
    }
    List<Long> seeds = new ArrayList<>();
    List<Double> rhos = new ArrayList<>();
    bySeed.forEach((seed, at) -> {
      double rho = spearman(at);
      if (!Double.isNaN(rho)) {
        seeds.add(seed);
        rhos.add(rho);
      }
    });
    int configurations = (int) points.stream().map(Point::configuration).distinct().count();
    double mean = rhos.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double low = Double.NaN;
    double high = Double.NaN;
    int n = rhos.size();
    if (n >= 2) {
      double sd = Math.sqrt(rhos.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum()
          / (n - 1));
      double half = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + LEVEL / 2)
          * sd / Math.sqrt(n);
      low = Math.max(-1, mean - half);
      high = Math.min(1, mean + half);
    }
    return new OutcomeCorrelation(List.copyOf(seeds), List.copyOf(rhos), configurations, mean,
        low, high, verdict(low, high));
  }

  /**
   * For a scope of exactly two configurations, where a rank correlation within a seed is not
   * defined: in how many seeds the configuration with more step-0 slice energy was also the
   * more accurate one (concordant) or the less accurate one (discordant), and the two-sided sign
   * test of "either order is as likely". Seeds with a tie in energy or accuracy, or with one
   * configuration only, count in neither. Exploratory: added after the vision confirmatory
   * run's outcomes had been seen, so it gives no verdict.
   *
   * @param concordant seeds where more energy went with higher accuracy
   * @param discordant seeds where more energy went with lower accuracy
   * @param signTestP two-sided sign-test p value over the scored seeds (1 with none)
   */
  public record Concordance(int concordant, int discordant, double signTestP) {
    /** The concordance of {@code points}, or null unless they hold exactly two configurations. */
    public static Concordance of(List<Point> points) {
      if (points.stream().map(Point::configuration).distinct().count() != 2) {
        return null;
      }
      Map<Long, List<Point>> bySeed = new TreeMap<>();
      points.forEach(p -> bySeed.computeIfAbsent(p.seed(), s -> new ArrayList<>()).add(p));
      int concordant = 0;
      int discordant = 0;
      for (List<Point> pair : bySeed.values()) {
        if (pair.size() != 2
            || pair.get(0).configuration().equals(pair.get(1).configuration())) {
          continue;
        }
        double sign = Math.signum(pair.get(0).energy() - pair.get(1).energy())
            * Math.signum(pair.get(0).accuracy() - pair.get(1).accuracy());
        concordant += sign > 0 ? 1 : 0;
        discordant += sign < 0 ? 1 : 0;
      }
      int n = concordant + discordant;
      double p = 1;
      if (n > 0) {
        int extreme = Math.max(concordant, discordant);
        // P(X >= extreme) = P(X <= n - extreme) for X ~ Binomial(n, 1/2), doubled
        p = Math.min(1, 2 * new BinomialDistribution(n, 0.5)
            .cumulativeProbability(n - extreme));
      }
      return new Concordance(concordant, discordant, p);
    }
  }

  /** yes, no or inconclusive from the interval (NaN ends: inconclusive). */
  static String verdict(double low, double high) {
    if (Double.isNaN(low) || Double.isNaN(high)) {
      return INCONCLUSIVE;
    }
    if (low > 0 || high < 0) {
      return YES;
    }
    return low >= -NEGLIGIBLE && high <= NEGLIGIBLE ? NO : INCONCLUSIVE;
  }

  /** Spearman's rho of one seed's points, NaN when undefined. */
  static double spearman(List<Point> points) {
    if (points.size() < MIN_CONFIGURATIONS) {
      return Double.NaN;
    }
    double[] energy = points.stream().mapToDouble(Point::energy).toArray();
    double[] accuracy = points.stream().mapToDouble(Point::accuracy).toArray();
    if (constant(energy) || constant(accuracy)) {
      return Double.NaN;
    }
    return new SpearmansCorrelation().correlation(energy, accuracy);
  }

  private static boolean constant(double[] values) {
    for (double v : values) {
      if (v != values[0]) {
        return false;
      }
    }
    return true;
  }

  /** The per-seed correlations as "seed:rho" pairs, space-separated. */
  public String perSeedText() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < seeds.size(); i++) {
      out.append(i == 0 ? "" : " ").append(seeds.get(i)).append(':')
          .append(String.format(java.util.Locale.ROOT, "%.3f", perSeed.get(i)));
    }
    return out.toString();
  }
}
