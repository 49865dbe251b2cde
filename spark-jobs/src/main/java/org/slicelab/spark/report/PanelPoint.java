package org.slicelab.spark.report;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of a Figure 2 panel: every {@code ok} seed of one configuration, summarised. A run
 * that collapsed to one predicted class is an outcome, not a number to average: it stays in the
 * per-seed maps (the claims pair it by their own rules) but is left out of the point's summaries
 * ({@link #test()}, {@link #val()}, {@link #n()}: panel tables and figures) and counted
 * ({@link #collapsedSeeds()}).
 *
 * @param table report table ({@link Figure2Panels#RANK}, ...)
 * @param series the line or group the point belongs to (e.g. {@code row} / {@code column} in the
 *     position panel; the method when nothing else varies)
 * @param x numeric x value, {@code NaN} for categorical panels
 * @param xLabel x as shown (e.g. {@code 16}, {@code 0.4}, {@code most}, {@code 1%})
 * @param xOrder sort position of the point within its series (0-based)
 * @param method the trial method
 * @param testBySeed test accuracy per ok seed, collapsed runs included
 * @param valBySeed validation accuracy per ok seed (seeds without one are absent)
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
        .map(Map.Entry::getKey).toList();
  }

  /** Number of seeds in the summaries: ok seeds with a test accuracy that did not collapse. */
  public int n() {
    return meanSeeds().size();
  }

  /** Number of ok seeds with a test accuracy, collapsed runs included. */
  public int okSeeds() {
    return testBySeed.size();
  }

  /** Test accuracy summary over the runs that did not collapse (fractions in [0, 1]). */
  public Summary test() {
    return summary(testBySeed);
  }

  /** Validation accuracy summary over the runs that did not collapse (fractions in [0, 1]). */
  public Summary val() {
    return summary(valBySeed);
  }

  /** The seeds in the summaries, comma-separated. */
  public String seeds() {
    return String.join(",", meanSeeds().stream().map(String::valueOf).toList());
  }

  private List<Long> meanSeeds() {
    List<Long> collapsed = collapsedSeeds();
    return testBySeed.keySet().stream().filter(s -> !collapsed.contains(s)).toList();
  }

  private Summary summary(SortedMap<Long, Double> bySeed) {
    List<Long> collapsed = collapsedSeeds();
    return Summary.of(bySeed.entrySet().stream().filter(e -> !collapsed.contains(e.getKey()))
        .mapToDouble(Map.Entry::getValue).toArray());
  }
}
