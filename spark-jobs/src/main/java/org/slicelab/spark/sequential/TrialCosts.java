package org.slicelab.spark.sequential;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;

/**
 * What one trial costs, in trial-seconds (the {@code trial_seconds} of a trial; each trial of a
 * local sweep runs on one core, so these are CPU-seconds), by cost class: the method, with the
 * lottery-ticket trials that compute their mask ({@code lth:good}) apart.
 *
 * <p>Measured costs come first: the median {@code trial_seconds} of the ok trials of each class
 * already in the results directory. Otherwise {@link #estimate} gives a built-in figure for the
 * Figure 2 protocol (160 training examples x 3 epochs, 64 tokens, validation 200, the whole test
 * split of 1,144), scaled linearly to a spec's sizes. It is derived from recorded runs (no new
 * timing on a shared machine): the quick grid took 1,443 trial-seconds for its 22 trials on a
 * fresh 2-core machine on 2026-12-07, 696 of them evaluation (31.6 s a trial, the same for every
 * method: a forward pass over validation and test); the 747 s of training are split over the
 * grid's methods by their measured step-time ratios to full fine-tuning (docs/benchmarks.md,
 * default run of 2026-12-02: head 0.30, SliceFine 0.69, LoRA r8 0.76, SIFT 0.89) and the
 * lottery-ticket mask (3 rounds of full fine-tuning), which gives 39.8 s of training for full
 * fine-tuning.
 */
public final class TrialCosts {
  /** Cost class of the lottery-ticket trials that compute the mask first. */
  public static final String LTH_MASK = "slicefine lth:good (computes the mask)";
  /** Evaluation seconds per trial of the reference protocol. */
  static final double EVAL_SECONDS = 31.6;
  /** Training seconds of full fine-tuning in the reference protocol. */
  static final double FULL_TRAIN_SECONDS = 39.8;
  /** Training time of each method relative to full fine-tuning (step-time ratios). */
  static final Map<String, Double> TRAIN_RATIO = Map.of("head", 0.30, "full", 1.0,
      "slicefine", 0.69, "lora", 0.76, "sift", 0.89);
  /** Rounds of full fine-tuning behind a lottery-ticket mask. */
  static final int MASK_ROUNDS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrialCosts() {
  }

  /**
   * The cost of one trial and where the figure comes from.
   *
   * @param seconds trial-seconds
   * @param source {@code results} (median of n ok trials) or {@code estimate}
   */
  public record Cost(double seconds, String source) {
  }

  /** The cost class of a spec (snake_case values). */
  static String costClass(Map<String, ?> spec) {
    String method = String.valueOf(spec.get("method"));
    return "slicefine".equals(method) && String.valueOf(spec.get("selector")).equals("lth:good")
        ? LTH_MASK : method;
  }

  /** The built-in estimate for a spec ({@link TrialCosts}), scaled to its sizes. */
  static double estimate(Map<String, ?> spec) {
    double tokens = number(spec, "max_len", 64) / 64.0;
    double training = number(spec, "train_size", 160) * number(spec, "epochs", 3) / (160.0 * 3)
        * tokens;
    double evaluation = (number(spec, "val_size", 200) + number(spec, "test_size", 1144))
        / (200.0 + 1144) * tokens;
    String method = String.valueOf(spec.get("method"));
    double ratio = TRAIN_RATIO.getOrDefault(method, 1.0);
    double mask = costClass(spec).equals(LTH_MASK) ? MASK_ROUNDS : 0;
    return (ratio + mask) * FULL_TRAIN_SECONDS * training + EVAL_SECONDS * evaluation;
  }

  private static double number(Map<String, ?> spec, String key, double fallback) {
    return spec.get(key) instanceof Number n ? n.doubleValue() : fallback;
  }

  /**
   * The median {@code trial_seconds} of the ok trials of each cost class recorded in
   * {@code results} (empty when there are none).
   */
  static Map<String, Cost> measured(SparkSession spark, String results) {
    List<Row> rows;
    try {
      rows = ResultTables.latest(ResultTables.trials(spark, results))
          .filter(col(ResultSchema.STATUS).equalTo("ok").and(col("trial_seconds").isNotNull()))
          .select(ResultSchema.SPEC_JSON, "trial_seconds").collectAsList();
    } catch (Exception e) { // no results yet (Spark's AnalysisException is checked in Java terms)
      return Map.of();
    }
    Map<String, List<Double>> byClass = new TreeMap<>();
    for (Row r : rows) {
      byClass.computeIfAbsent(costClass(spec(r.getString(0))), k -> new ArrayList<>())
          .add(r.getDouble(1));
    }
    Map<String, Cost> out = new LinkedHashMap<>();
    byClass.forEach((k, v) -> out.put(k, new Cost(median(v), "results (median of " + v.size()
        + " ok trials)")));
    return out;
  }

  static Map<String, Object> spec(String json) {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
  }

  private static double median(List<Double> values) {
    List<Double> s = values.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
