package org.slicelab.spark.report;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The premises of the slice hypothesis in the report, from the tables {@code slicelab premises}
 * wrote (by default into {@code RESULTS/premises}, else the directory given with
 * {@code --premises}): per (backbone, dataset) pair whether the pretrained weights are balanced
 * against the Gaussian null, how concentrated task energy is, and whether step-0 slice energy
 * predicts the Figure 2 outcome; three rows of the universality table, a section of REPORT.md
 * and a slice-energy vs accuracy figure per pair ({@link PremisesFigure}).
 *
 * <p>Balanced (ours): at most {@value #BALANCED_MAX_FLAGGED} of the pretrained (matrix, axis,
 * rank) cases are "less balanced" than the null; the verdict's own false-positive rate under the
 * null is about 0.1 (docs/premises.md), so this allows twice that.
 */
public final class PremisesSection {
  /** The default premises directory under the results directory. */
  public static final String DIR = "premises";
  /** Largest share of pretrained cases flagged "less balanced" for a balanced pair. */
  public static final double BALANCED_MAX_FLAGGED = 0.2;
  /** Universality rows: id and text. */
  static final Map<String, String> ROWS = Map.of(
      "premise_balanced", "premise: the pretrained weights' slices are spectrally balanced (at "
          + "most 20% of (matrix, axis, rank) cases less balanced than i.i.d. Gaussian matrices)",
      "premise_task_energy", "premise: task energy in few components (median over layers of "
          + "the k holding 90% of between-class scatter, of d; random init in brackets)",
      "premise_predictive", "premise: step-0 slice energy predicts Figure 2 test accuracy "
          + "(Spearman within seeds, 95% t interval over seeds)");
  static final List<String> ORDER = List.of("premise_balanced", "premise_task_energy",
      "premise_predictive");

  /**
   * One pair's premise findings; null fields were not measured.
   *
   * @param cells universality cell text by row id
   * @param verdicts yes / no / inconclusive by row id (task energy: its k90 text)
   * @param points the outcome's trials: energy share, test accuracy, Figure 2 tables
   */
  record Findings(Map<String, String> cells, Map<String, String> verdicts,
      List<PremisesFigure.Point> points) {
  }

  private final Path source;
  private final Map<Combination, Findings> pairs;

  private PremisesSection(Path source, Map<Combination, Findings> pairs) {
    this.source = source;
    this.pairs = pairs;
  }

  /** No premises tables: the report has no premises rows or section. */
  static PremisesSection none() {
    return new PremisesSection(null, Map.of());
  }

  /**
   * The premises of {@code options}: its {@code --premises} directory, else
   * {@code RESULTS/premises} when that local directory exists, else none.
   *
   * @throws IllegalArgumentException when a given {@code --premises} directory holds no table
   */
  static PremisesSection load(SparkSession spark, ReportOptions options) {
    if (options.premises() == null
        && options.results().matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return none();
    }
    Path dir = options.premises() != null ? options.premises()
        : Path.of(options.results()).resolve(DIR);
    if (options.premises() == null && !Files.isDirectory(dir)) {
      return none();
    }
    List<String> tables = List.of("balance", "task_energy", "premise_outcome");
    if (tables.stream().noneMatch(t -> Files.isDirectory(dir.resolve(t)))) {
      if (options.premises() == null) {
        return none();
      }
      throw new IllegalArgumentException("option '--premises' = " + dir + " holds none of the "
          + "premises tables " + tables + "; write them with slicelab premises --out");
    }
    Map<Combination, Map<String, String>> cells = new LinkedHashMap<>();
    Map<Combination, Map<String, String>> verdicts = new LinkedHashMap<>();
    Map<Combination, List<PremisesFigure.Point>> points = new LinkedHashMap<>();
    if (Files.isDirectory(dir.resolve("balance"))) {
      balance(spark, dir, cells, verdicts);
    }
    if (Files.isDirectory(dir.resolve("task_energy"))) {
      taskEnergy(spark, dir, cells, verdicts);
    }
    if (Files.isDirectory(dir.resolve("premise_outcome"))) {
      outcome(spark, dir, cells, verdicts, points);
    }
    Map<Combination, Findings> pairs = new LinkedHashMap<>();
    cells.forEach((pair, c) -> pairs.put(pair, new Findings(c, verdicts.get(pair),
        points.getOrDefault(pair, List.of()))));
    return new PremisesSection(dir, pairs);
  }

  private static Combination pair(Row r) {
    return new Combination(r.getAs("backbone"), r.getAs("dataset"));
  }

  private static void balance(SparkSession spark, Path dir,
      Map<Combination, Map<String, String>> cells, Map<Combination, Map<String, String>> verdicts) {
    Map<Combination, long[]> counts = new LinkedHashMap<>(); // pretrained flagged, all; random
    for (Row r : spark.read().parquet(dir.resolve("balance").toString())
        .groupBy("backbone", "dataset", "init", "verdict").count().collectAsList()) {
      long[] c = counts.computeIfAbsent(pair(r), k -> new long[4]);
      int base = "random".equals(r.getAs("init")) ? 2 : 0;
      long n = r.getAs("count");
      c[base + 1] += n;
      if ("less balanced".equals(r.getAs("verdict"))) {
        c[base] += n;
      }
    }
    counts.forEach((pair, c) -> {
      String verdict = c[0] <= BALANCED_MAX_FLAGGED * c[1] ? "yes" : "no";
      put(cells, verdicts, pair, "premise_balanced", verdict + " (" + c[0] + " of " + c[1]
          + " less balanced; random init " + c[2] + " of " + c[3] + ")", verdict);
    });
  }

  private static void taskEnergy(SparkSession spark, Path dir,
      Map<Combination, Map<String, String>> cells, Map<Combination, Map<String, String>> verdicts) {
    Map<Combination, Map<String, List<double[]>>> byInit = new LinkedHashMap<>();
    for (Row r : spark.read().parquet(dir.resolve("task_energy").toString())
        .filter(col("k").equalTo(col("dimension")))
        .select("backbone", "dataset", "init", "k90", "dimension").collectAsList()) {
      byInit.computeIfAbsent(pair(r), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.getAs("init"), k -> new ArrayList<>())
          .add(new double[] {((Number) r.getAs("k90")).doubleValue(),
              ((Number) r.getAs("dimension")).doubleValue()});
    }
    byInit.forEach((pair, inits) -> {
      List<double[]> pre = inits.getOrDefault("pretrained", List.of());
      List<double[]> random = inits.getOrDefault("random", List.of());
      String text = "k90 " + fmt(median(pre, 0)) + " of " + fmt(median(pre, 1))
          + (random.isEmpty() ? "" : " (random init " + fmt(median(random, 0)) + ")");
      put(cells, verdicts, pair, "premise_task_energy", text, text);
    });
  }

  private static void outcome(SparkSession spark, Path dir,
      Map<Combination, Map<String, String>> cells, Map<Combination, Map<String, String>> verdicts,
      Map<Combination, List<PremisesFigure.Point>> points) {
    for (Row r : spark.read().parquet(dir.resolve("premise_outcome").toString())
        .filter(col("scope").equalTo("all")).collectAsList()) {
      String verdict = r.getAs("predictive");
      Double mean = r.getAs("spearman_mean");
      Double low = r.getAs("ci_low");
      Double high = r.getAs("ci_high");
      put(cells, verdicts, pair(r), "premise_predictive", verdict + " (rho " + signed(mean)
          + " [" + signed(low) + ", " + signed(high) + "], " + r.getAs("seeds") + " seeds)",
          verdict);
    }
    if (Files.isDirectory(dir.resolve("premise_outcome_trials"))) {
      for (Row r : spark.read().parquet(dir.resolve("premise_outcome_trials").toString())
          .select("backbone", "dataset", "energy_share", "test_acc", "tables", "seed")
          .collectAsList()) {
        points.computeIfAbsent(pair(r), k -> new ArrayList<>()).add(new PremisesFigure.Point(
            r.getAs("energy_share"), r.getAs("test_acc"), r.getAs("tables")));
      }
    }
  }

  private static void put(Map<Combination, Map<String, String>> cells,
      Map<Combination, Map<String, String>> verdicts, Combination pair, String id, String cell,
      String verdict) {
    cells.computeIfAbsent(pair, k -> new LinkedHashMap<>()).put(id, cell);
    verdicts.computeIfAbsent(pair, k -> new LinkedHashMap<>()).put(id, verdict);
  }

  /** True when no pair has premises. */
  boolean isEmpty() {
    return pairs.isEmpty();
  }

  /** The findings of {@code pair}, or null. */
  Findings of(Combination pair) {
    return pairs.get(pair);
  }

  /**
   * Writes the slice-energy vs accuracy figure of every pair with outcome trials into its figure
   * directory under {@code reportDir}; returns pair to file name relative to {@code reportDir}.
   */
  Map<Combination, String> figures(Path reportDir, List<CombinationReport> combos) {
    Map<Combination, String> out = new LinkedHashMap<>();
    for (CombinationReport c : combos) {
      Findings f = pairs.get(c.combination());
      if (f != null && !f.points().isEmpty()) {
        String name = c.figureDir().isEmpty() ? PremisesFigure.FILE
            : c.figureDir() + "/" + PremisesFigure.FILE;
        PremisesFigure.write(reportDir.resolve(name), f.points(),
            "step-0 slice energy vs accuracy, " + c.combination().label());
        out.put(c.combination(), name);
      }
    }
    return out;
  }

  /** The premise rows of the universality Markdown table (one cell per pair). */
  void universalityRows(StringBuilder md, List<CombinationReport> combos) {
    for (String id : ORDER) {
      md.append("| *").append(id).append("* |");
      for (CombinationReport c : combos) {
        Findings f = pairs.get(c.combination());
        String cell = f == null ? null : f.cells().get(id);
        md.append(' ').append(cell == null ? "-" : cell).append(" |");
      }
      md.append(" |\n");
    }
  }

  /** The premise rows of the {@code universality} Parquet table. */
  List<Row> universalityTableRows(String grid, List<CombinationReport> combos) {
    List<Row> rows = new ArrayList<>();
    for (CombinationReport c : combos) {
      Findings f = pairs.get(c.combination());
      for (String id : ORDER) {
        if (f != null && f.verdicts().containsKey(id)) {
          Combination p = c.combination();
          rows.add(RowFactory.create(grid, id, ROWS.get(id), p.modality(), p.backbone(),
              p.dataset(), f.verdicts().get(id), null, f.cells().get(id), null, null, null));
        }
      }
    }
    return rows;
  }

  /**
   * The section of REPORT.md: where the tables came from, the rows' definitions, each pair's
   * findings and its figure ({@code figures}: pair to file name relative to the report).
   */
  String markdown(String level, List<CombinationReport> combos, Map<Combination, String> figures) {
    StringBuilder md = new StringBuilder(level).append(" Premises of the slice hypothesis\n\n");
    md.append("From `slicelab premises` tables in `").append(source).append("` (definitions: ")
        .append("docs/premises.md).\n\n");
    ORDER.forEach(id -> md.append("- `").append(id).append("`: ").append(ROWS.get(id))
        .append('\n'));
    md.append("\n| pair |");
    ORDER.forEach(id -> md.append(' ').append(id).append(" |"));
    md.append("\n| --- |");
    ORDER.forEach(id -> md.append(" --- |"));
    md.append('\n');
    for (CombinationReport c : combos) {
      Findings f = pairs.get(c.combination());
      md.append("| ").append(c.combination().label()).append(" |");
      ORDER.forEach(id -> md.append(' ').append(f == null || f.cells().get(id) == null ? "-"
          : f.cells().get(id)).append(" |"));
      md.append('\n');
    }
    figures.forEach((pair, file) -> md.append("\n![step-0 slice energy vs test accuracy, ")
        .append(pair.label()).append("](").append(file).append(")\n"));
    return md.append('\n').toString();
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : v == Math.rint(v) ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String signed(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%+.2f", v);
  }
}
