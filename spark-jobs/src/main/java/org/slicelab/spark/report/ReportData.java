package org.slicelab.spark.report;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.method.Methods;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;

/**
 * What the report reads from a sweep's output directory, with Spark SQL: the grid's panel
 * membership joined with the latest attempt of every trial.
 *
 * <p>Only {@code ok} attempts feed the statistics: of a retried trial the latest {@code ok}
 * attempt counts ({@link ResultTables#latest}); a trial whose attempts are all failed, diverged
 * or timed out counts in {@link #statusCounts()} and {@link #failures()} only.
 *
 * @param grid the grid reported on
 * @param ok the ok trials of Figure 2 panels (a trial in two panels appears once per table)
 * @param statusCounts latest status of every distinct trial of the grid: ok, failed, diverged,
 *     timeout, and {@code missing} (in the grid's panels but never recorded)
 * @param failures the grid's trials whose latest attempt is not ok, oldest first
 * @param attempts attempts recorded for the grid's trials (retries included)
 */
public record ReportData(String grid, List<TrialPoint> ok, Map<String, Long> statusCounts,
    List<Failure> failures, long attempts) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Provenance column: SHA-256 of the ordered test example ids. */
  static final String TEST_FINGERPRINT = "test_ids_sha256";
  /** Status of a trial listed in a grid's panels without any recorded attempt. */
  public static final String MISSING = "missing";

  /**
   * A trial whose latest attempt is not ok.
   *
   * @param trialId trial id
   * @param panels grid panels containing it
   * @param status failed, diverged, timeout or missing
   * @param label short description of the configuration (method and distinguishing options)
   * @param errorFirstLine the first line of the error text ("" when none)
   */
  public record Failure(String trialId, List<String> panels, String status, String label,
      String errorFirstLine) {
  }

  /** Copies. */
  public ReportData {
    ok = List.copyOf(ok);
    statusCounts = new LinkedHashMap<>(statusCounts);
    failures = List.copyOf(failures);
  }

  /** The same data with only the ok trials of the given seeds (statuses unchanged). */
  public ReportData withSeeds(java.util.Set<Long> seeds) {
    return new ReportData(grid, ok.stream().filter(t -> seeds.contains(t.seed())).toList(),
        statusCounts, failures, attempts);
  }

  /**
   * The grids recorded in a results directory.
   *
   * @throws IllegalArgumentException when the directory holds no results
   */
  public static List<String> grids(SparkSession spark, String results) {
    Dataset<Row> panels = panels(spark, results);
    return panels.select(ResultSchema.GRID).distinct().collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
  }

  /**
   * Loads the report's input for {@code grid} (null = the only grid in the directory).
   *
   * @throws IllegalArgumentException when there are no results, or several grids and none chosen
   */
  public static ReportData load(SparkSession spark, String results, String grid) {
    List<String> grids = grids(spark, results);
    if (grid == null || grid.isBlank()) {
      if (grids.size() != 1) {
        throw new IllegalArgumentException("results in " + results + " hold " + grids.size()
            + " grids " + grids + "; choose one with --grid-name");
      }
      grid = grids.get(0);
    } else if (!grids.contains(grid)) {
      throw new IllegalArgumentException("option '--grid-name' = " + grid + " is not in "
          + results + "; recorded grids: " + grids);
    }
    Dataset<Row> members = panels(spark, results)
        .filter(col(ResultSchema.GRID).equalTo(grid))
        .select(ResultSchema.PANEL, ResultSchema.TRIAL_ID);
    Dataset<Row> trials = trials(spark, results);
    Dataset<Row> latest = ResultTables.latest(trials);
    List<String> wanted = Arrays.asList(ResultSchema.TRIAL_ID, ResultSchema.STATUS,
        ResultSchema.ERROR, ResultSchema.SPEC_JSON, "seed", "test_acc", "val_acc",
        "trainable_params", "train_seconds", ResultSchema.ATTEMPT_ID, TEST_FINGERPRINT,
        ResultSchema.DEVICE);
    List<String> present = Arrays.asList(latest.columns());
    org.apache.spark.sql.Column[] columns = wanted.stream().map(c -> present.contains(c)
        ? col(c) : org.apache.spark.sql.functions.lit(null).as(c))
        .toArray(org.apache.spark.sql.Column[]::new);
    Dataset<Row> attempt = latest.select(columns)
        .withColumnRenamed(ResultSchema.TRIAL_ID, "_tid");
    Dataset<Row> joined = members.join(attempt,
        members.col(ResultSchema.TRIAL_ID).equalTo(attempt.col("_tid")), "left")
        .select(col(ResultSchema.PANEL), col(ResultSchema.TRIAL_ID), col(ResultSchema.STATUS),
            col(ResultSchema.ERROR), col(ResultSchema.SPEC_JSON), col("test_acc"),
            col("val_acc"), col("trainable_params"), col("train_seconds"),
            col(ResultSchema.ATTEMPT_ID), col(TEST_FINGERPRINT), col(ResultSchema.DEVICE));
    long attempts = trials.join(members.select(ResultSchema.TRIAL_ID).distinct(),
        ResultSchema.TRIAL_ID).count();

    List<Row> rows = joined.collectAsList();
    Map<String, ExampleOutcomes> outcomes = testOutcomes(spark, results, rows);
    List<TrialPoint> ok = new ArrayList<>();
    Map<String, String> statusOf = new TreeMap<>();
    Map<String, List<String>> panelsOf = new LinkedHashMap<>();
    Map<String, Row> rowOf = new LinkedHashMap<>();
    for (Row row : rows) {
      String panel = row.getString(0);
      String id = row.getString(1);
      String status = row.isNullAt(2) ? MISSING : row.getString(2);
      statusOf.put(id, status);
      panelsOf.computeIfAbsent(id, k -> new ArrayList<>()).add(panel);
      rowOf.put(id, row);
      String table = Figure2Panels.tableOf(panel);
      if (table == null || !"ok".equals(status) || row.isNullAt(5)) {
        continue;
      }
      Map<String, Object> spec = spec(row.getString(4));
      ExampleOutcomes outcome = row.isNullAt(9) ? null : outcomes.get(row.getString(9));
      if (outcome != null && Math.abs(outcome.accuracy() - row.getDouble(5)) > 1e-9) {
        throw new IllegalStateException("trial " + id + ": test accuracy from its "
            + outcome.correct().length + " stored predictions is " + outcome.accuracy()
            + " but its trials row says " + row.getDouble(5) + "; the predictions table of "
            + results + " does not belong to this attempt");
      }
      ok.add(new TrialPoint(table, panel, id, seed(spec), spec, row.getDouble(5),
          row.isNullAt(6) ? Double.NaN : row.getDouble(6),
          row.isNullAt(7) ? -1 : ((Number) row.get(7)).longValue(),
          row.isNullAt(8) ? Double.NaN : row.getDouble(8),
          spec.get("data_seed") instanceof Number n ? n.longValue() : 0,
          row.isNullAt(10) ? "" : row.getString(10), outcome,
          row.isNullAt(11) ? "" : row.getString(11)));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String s : List.of("ok", "failed", "diverged", "timeout", MISSING)) {
      counts.put(s, 0L);
    }
    statusOf.values().forEach(s -> counts.merge(s, 1L, Long::sum));
    List<Failure> failures = new ArrayList<>();
    for (Map.Entry<String, String> e : statusOf.entrySet()) {
      if (e.getValue().equals("ok")) {
        continue;
      }
      Row row = rowOf.get(e.getKey());
      Map<String, Object> spec = row.isNullAt(4) ? Map.of() : spec(row.getString(4));
      String error = row.isNullAt(3) ? "" : row.getString(3);
      failures.add(new Failure(e.getKey(), panelsOf.get(e.getKey()), e.getValue(), label(spec),
          firstLine(error)));
    }
    return new ReportData(grid, ok, counts, failures, attempts);
  }

  /**
   * Per-example test outcomes of the ok attempts among {@code rows}, by attempt id (empty when
   * the results hold no predictions table: recorded before SliceLab kept predictions).
   */
  private static Map<String, ExampleOutcomes> testOutcomes(SparkSession spark, String results,
      List<Row> rows) {
    Map<String, String> fingerprintOf = new LinkedHashMap<>();
    for (Row row : rows) {
      if (!row.isNullAt(2) && "ok".equals(row.getString(2)) && !row.isNullAt(9)) {
        fingerprintOf.put(row.getString(9), row.isNullAt(10) ? "" : row.getString(10));
      }
    }
    Map<String, ExampleOutcomes> out = new LinkedHashMap<>();
    if (fingerprintOf.isEmpty()) {
      return out;
    }
    Dataset<Row> predictions;
    try {
      predictions = ResultTables.predictions(spark, results);
    } catch (Exception e) { // no predictions table: older results
      return out;
    }
    Dataset<Row> wanted = spark.createDataset(new ArrayList<>(fingerprintOf.keySet()),
        org.apache.spark.sql.Encoders.STRING()).toDF(ResultSchema.ATTEMPT_ID);
    List<Row> grouped = predictions
        .filter(col(ResultSchema.SPLIT).equalTo("test"))
        .join(wanted, ResultSchema.ATTEMPT_ID)
        .groupBy(ResultSchema.ATTEMPT_ID)
        .agg(org.apache.spark.sql.functions.sort_array(org.apache.spark.sql.functions
            .collect_list(org.apache.spark.sql.functions.struct(col(ResultSchema.EXAMPLE_INDEX),
                col(ResultSchema.LABEL), col(ResultSchema.PREDICTED)))).as("p"))
        .collectAsList();
    for (Row g : grouped) {
      List<Row> items = g.getList(1);
      int[] labels = new int[items.size()];
      int[] predicted = new int[items.size()];
      for (int i = 0; i < items.size(); i++) {
        Row item = items.get(i);
        if (item.getLong(0) != i) {
          throw new IllegalStateException("attempt " + g.getString(0) + ": test predictions "
              + "are not one per example index 0.." + (items.size() - 1) + " (index "
              + item.getLong(0) + " at position " + i + "): duplicated or half-written");
        }
        labels[i] = (int) item.getLong(1);
        predicted[i] = (int) item.getLong(2);
      }
      out.put(g.getString(0), ExampleOutcomes.of(fingerprintOf.get(g.getString(0)), labels,
          predicted));
    }
    return out;
  }

  private static Dataset<Row> panels(SparkSession spark, String results) {
    try {
      return ResultTables.panels(spark, results);
    } catch (Exception e) { // Spark's AnalysisException is checked in Java terms
      throw noResults(results, e);
    }
  }

  private static Dataset<Row> trials(SparkSession spark, String results) {
    try {
      return ResultTables.trials(spark, results);
    } catch (Exception e) {
      throw noResults(results, e);
    }
  }

  private static IllegalArgumentException noResults(String results, Exception e) {
    if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
        && iae.getMessage().startsWith("option")) {
      return iae;
    }
    return new IllegalArgumentException("option '--results' = " + results + " holds no sweep "
        + "results (trials and panels tables); run `slicelab sweep --grid FILE --out " + results
        + "` first (" + e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(
        e.getMessage())) + ")", e);
  }

  static Map<String, Object> spec(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (IOException e) {
      return Map.of();
    }
  }

  private static long seed(Map<String, Object> spec) {
    return spec.get("seed") instanceof Number n ? n.longValue() : -1;
  }

  /** The first non-blank line of an error text, at most 300 characters. */
  public static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    for (String line : text.split("\\R")) {
      if (!line.isBlank()) {
        String s = line.strip();
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
      }
    }
    return "";
  }

  /** A short description of a spec: method plus the options that usually tell trials apart. */
  static String label(Map<String, Object> spec) {
    if (spec.isEmpty()) {
      return "(spec unknown)";
    }
    Object method = spec.get("method");
    List<String> parts = new ArrayList<>(List.of(String.valueOf(method)));
    Methods.all().stream().filter(type -> type.name().equals(method)).findFirst()
        .ifPresent(type -> type.labelOptions().forEach(o -> parts.add(o + "=" + spec.get(o))));
    parts.add("seed=" + spec.get("seed"));
    if (spec.get("backbone") != null && !Backbones.DEFAULT.equals(spec.get("backbone"))) {
      parts.add("backbone=" + spec.get("backbone"));
    }
    if (spec.get("dataset") != null && !Datasets.SPAM_ASSASSIN.equals(spec.get("dataset"))) {
      parts.add("dataset=" + spec.get("dataset"));
    }
    if (spec.get("fault") != null && !"none".equals(spec.get("fault"))) {
      parts.add("fault=" + spec.get("fault"));
    }
    return String.join(" ", parts);
  }
}
