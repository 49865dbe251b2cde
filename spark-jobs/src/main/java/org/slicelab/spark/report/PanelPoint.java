package org.slicelab.spark.report;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of a Figure 2 panel: every {@code ok} seed of one configuration, summarised.
 *
 * @param table report table ({@link Figure2Panels#RANK}, ...)
 * @param series the line or group the point belongs to (e.g. {@code row} / {@code column} in the
 *     position panel; the method when nothing else varies)
 * @param x numeric x value, {@code NaN} for categorical panels
 * @param xLabel x as shown (e.g. {@code 16}, {@code 0.4}, {@code most}, {@code 1%})
 * @param xOrder sort position of the point within its series (0-based)
 * @param method the trial method
 * @param testBySeed test accuracy per seed
 * @param valBySeed validation accuracy per seed (seeds without one are absent)
 * @param trainableParams mean trainable parameters over seeds (-1 when unknown)
 * @param trainSeconds mean training seconds (NaN when unknown)
 * @param trialIds the trials summarised
 * @param trialsBySeed the trials by seed (for pairing by data seed and test examples; may be
 *     empty, then only the accuracies are paired)
 */
public record PanelPoint(String table, String series, double x, String xLabel, int xOrder,
    String method, SortedMap<Long, Double> testBySeed, SortedMap<Long, Double> valBySeed,
    long trainableParams, double trainSeconds, List<String> trialIds,
    SortedMap<Long, TrialPoint> trialsBySeed) {

  /** Copies the maps and list. */
  public PanelPoint {
    testBySeed = new TreeMap<>(testBySeed);
    valBySeed = new TreeMap<>(valBySeed);
    trialIds = List.copyOf(trialIds);
    trialsBySeed = new TreeMap<>(trialsBySeed);
  }

  /** A point known only by its accuracies per seed. */
  public PanelPoint(String table, String series, double x, String xLabel, int xOrder,
      String method, SortedMap<Long, Double> testBySeed, SortedMap<Long, Double> valBySeed,
      long trainableParams, double trainSeconds, List<String> trialIds) {
    this(table, series, x, xLabel, xOrder, method, testBySeed, valBySeed, trainableParams,
        trainSeconds, trialIds, new TreeMap<>());
  }

  /** Seeds whose run collapsed to one predicted class. */
  public List<Long> collapsedSeeds() {
    return trialsBySeed.entrySet().stream().filter(e -> e.getValue().collapsed())
        .map(java.util.Map.Entry::getKey).toList();
  }

  /** Number of seeds with a test accuracy. */
  public int n() {
    return testBySeed.size();
  }

  /** Test accuracy summary (fractions in [0, 1]). */
  public Summary test() {
    return Summary.of(testBySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Validation accuracy summary (fractions in [0, 1]). */
  public Summary val() {
    return Summary.of(valBySeed.values().stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The seeds, comma-separated. */
  public String seeds() {
    return String.join(",", testBySeed.keySet().stream().map(String::valueOf).toList());
  }
}
