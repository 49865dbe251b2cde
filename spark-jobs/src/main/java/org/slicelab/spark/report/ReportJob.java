package org.slicelab.spark.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;

/**
 * The report job: reads a sweep's Parquet tables with Spark SQL and writes, under the report
 * directory (default {@code RESULTS/report}):
 * <ul>
 *   <li>Parquet tables {@code figure2_rank}, {@code figure2_position}, {@code figure2_wanda},
 *       {@code figure2_lth}, {@code figure2_sift}, {@code figure2_reference} (one row per point:
 *       series, x, n seeds, mean / std / 95% t-interval of test and validation accuracy,
 *       trainable parameters; see {@link #pointSchema()}) and {@value #CLAIMS}
 *       ({@link ClaimRules});
 *   <li>one PNG per table and {@code figure2.png} ({@link Figures});
 *   <li>{@code REPORT.md} embedding the figures, the claims table and a failure summary.
 * </ul>
 * Every claim is judged per (backbone, dataset) pair ({@link Combination}); the tables carry
 * {@code backbone} and {@code dataset} columns. When the results hold several pairs the report
 * also writes {@value #UNIVERSALITY} (claim x pair -&gt; verdict), puts each pair's figures in
 * its own subdirectory ({@link Combination#slug()}) and gives REPORT.md a universality section
 * and one section per pair. With one pair the layout is the single-pair one.
 * Each run replaces the previous report; the sweep's own tables are only read.
 */
public final class ReportJob {
  /** The claims table. */
  public static final String CLAIMS = "claims";
  /** The claim x (backbone, dataset) verdict table (only with several pairs). */
  public static final String UNIVERSALITY = "universality";
  /** The Markdown report. */
  public static final String REPORT_MD = "REPORT.md";

  private ReportJob() {
  }

  /**
   * Opens a Spark session for the report: the active or default session when there is one,
   * else a new one ({@code spark.master} from spark-submit, or {@code master}, or
   * {@code local[*]}).
   *
   * @return the session and whether this call created it (then the caller stops it)
   */
  public static Session session(String master) {
    SparkSession existing = SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get()
        : SparkSession.getDefaultSession().isDefined()
        ? SparkSession.getDefaultSession().get() : null;
    if (existing != null && !existing.sparkContext().isStopped()) {
      return new Session(existing, false);
    }
    SparkConf conf = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName("slicelab report");
    if (master != null && !master.isBlank()) {
      builder.master(master);
    } else if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (!conf.contains("spark.sql.shuffle.partitions")) {
      builder.config("spark.sql.shuffle.partitions", "4");
    }
    if (!conf.contains("spark.ui.showConsoleProgress")) {
      builder.config("spark.ui.showConsoleProgress", "false");
    }
    return new Session(builder.getOrCreate(), true);
  }

  /**
   * A Spark session and whether the report created it.
   *
   * @param spark the session
   * @param created true when {@link #session} built it
   */
  public record Session(SparkSession spark, boolean created) implements AutoCloseable {
    /** Stops the session if the report created it. */
    @Override
    public void close() {
      if (created) {
        spark.stop();
      }
    }
  }

  /**
   * Runs the report.
   *
   * @throws IllegalArgumentException when there are no results or the grid is ambiguous
   */
  public static ReportSummary run(SparkSession spark, ReportOptions options, PrintStream log) {
    return run(spark, options, ClaimSettings.DEFAULT_MARGIN, log);
  }

  /**
   * Runs the report with an equivalence margin (points). A results directory written by
   * {@code --until-conclusive} is judged with its recorded design instead: its margin, the
   * error rate per look, the verdicts frozen so far, and the seeds of its last completed look
   * (of look 1 before that one completes).
   */
  public static ReportSummary run(SparkSession spark, ReportOptions options, double margin,
      PrintStream log) {
    ReportBasis basis = ReportBasis.load(spark, options, margin);
    return run(spark, options, basis.data(), basis.settings(), basis.seeds(), basis.design(),
        log);
  }

  /**
   * Runs the report on {@code data} with the given claim settings, on the trials whose seed is
   * in {@code seeds} (null = all seeds).
   *
   * @param design a paragraph on the sequential design for REPORT.md ("" for none)
   */
  public static ReportSummary run(SparkSession spark, ReportOptions options, ReportData all,
      ClaimSettings settings, List<Long> seeds, String design, PrintStream log) {
    long start = System.nanoTime();
    Path dir = options.resolvedReportDir();
    ReportBasis basis = new ReportBasis(all, settings, seeds, design);
    ReportData data = basis.judged();
    log.printf("[report] grid %s: %d ok trials in Figure 2 panels; trial status %s%n",
        data.grid(), data.ok().stream().map(TrialPoint::trialId).distinct().count(),
        data.statusCounts());
    List<CombinationReport> combos = basis.judge();
    boolean several = combos.size() > 1;
    List<Claim> claims = combos.stream().flatMap(c -> c.claims().stream()).toList();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the report directory " + dir, e);
    }

    List<String> tables = new ArrayList<>();
    for (Figure2Panels.Def def : Figure2Panels.DEFS) {
      List<Row> rows = new ArrayList<>();
      for (CombinationReport c : combos) {
        for (PanelPoint p : c.points().get(def.key())) {
          rows.add(pointRow(data.grid(), c.combination(), p));
        }
      }
      write(spark, dir, def.table(), pointSchema(), rows);
      tables.add(def.table());
    }
    List<Row> claimRows = new ArrayList<>();
    combos.forEach(c -> c.claims().forEach(claim -> claimRows.add(claimRow(data.grid(),
        c.combination(), claim, settings))));
    write(spark, dir, CLAIMS, claimSchema(), claimRows);
    tables.add(CLAIMS);
    PremisesSection premises = PremisesSection.load(spark, options);
    if (several) {
      List<Row> rows = new ArrayList<>();
      combos.forEach(c -> c.claims().forEach(claim -> rows.add(universalityRow(data.grid(),
          c.combination(), claim))));
      rows.addAll(premises.universalityTableRows(data.grid(), combos));
      write(spark, dir, UNIVERSALITY, universalitySchema(), rows);
      tables.add(UNIVERSALITY);
    }

    List<Path> figures = new ArrayList<>();
    for (CombinationReport c : combos) {
      int seedCount = (int) c.trials().stream().mapToLong(TrialPoint::seed).distinct().count();
      figures.addAll(Figures.write(c.figureDir().isEmpty() ? dir : dir.resolve(c.figureDir()),
          c.points(), "grid " + data.grid() + (several ? ", " + c.combination().label() : "")
              + ", " + seedCount + " seed" + (seedCount == 1 ? "" : "s")));
    }
    Map<Combination, String> premiseFigures = premises.figures(dir, combos);
    premiseFigures.values().forEach(f -> figures.add(dir.resolve(f)));
    Path md = dir.resolve(REPORT_MD);
    try {
      Files.writeString(md, ReportMarkdown.render(data, combos, options.results(), settings,
          design, premises, premiseFigures));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + md, e);
    }
    for (CombinationReport c : combos) {
      for (Claim claim : c.claims()) {
        log.printf("[report] %s%-24s %-15s (±2: %-15s) observed %s (point estimate %s)%s%n",
            several ? c.combination().label() + ": " : "", claim.id(), claim.verdict(),
            claim.verdictWide(), Double.isNaN(claim.observed()) ? "-"
                : ClaimText.pts(claim.observed()) + " pt", claim.atPointEstimate(),
            claim.seedsNeeded() > 0 ? "; seeds needed " + ReportMarkdown.seedsNeeded(claim)
                : "");
      }
    }
    log.println("[report] wrote " + md);
    Map<String, Integer> verdicts = new LinkedHashMap<>();
    for (String v : List.of(Claim.REPRODUCED, Claim.NOT_REPRODUCED, Claim.INCONCLUSIVE)) {
      verdicts.put(v, (int) claims.stream().filter(c -> c.verdict().equals(v)).count());
    }
    Map<String, Integer> pointCounts = new LinkedHashMap<>();
    for (Figure2Panels.Def def : Figure2Panels.DEFS) {
      pointCounts.put(def.table(), combos.stream().mapToInt(c -> c.points().get(def.key())
          .size()).sum());
    }
    return new ReportSummary(data.grid(), data.statusCounts(), data.attempts(), pointCounts,
        verdicts, claims, combos, dir, md, figures, tables, (System.nanoTime() - start) / 1e9);
  }

  /**
   * The ok trials split by (backbone, dataset), each pair's points and claims on its own
   * trials. One pair (or none yet) keeps the single layout: figures in the report directory.
   */
  static List<CombinationReport> combinations(List<TrialPoint> ok, ClaimSettings settings) {
    Map<Combination, List<TrialPoint>> byPair = Combination.split(ok);
    if (byPair.isEmpty()) {
      byPair.put(new Combination(Backbones.DEFAULT, Datasets.SPAM_ASSASSIN), List.of());
    }
    boolean several = byPair.size() > 1;
    List<CombinationReport> out = new ArrayList<>();
    byPair.forEach((pair, trials) -> {
      Map<String, List<PanelPoint>> points = Figure2Panels.aggregate(trials);
      List<Claim> claims = settings.frozen().apply(pair, ClaimRules.evaluate(points, settings),
          settings);
      out.add(new CombinationReport(pair, trials, points, claims, several ? pair.slug() : ""));
    });
    return out;
  }

  private static void write(SparkSession spark, Path dir, String table, StructType schema,
      List<Row> rows) {
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(dir.resolve(table).toUri().toString());
  }

  /**
   * Columns of the {@code figure2_*} tables (accuracies as fractions in [0, 1]): {@code n},
   * {@code seeds} and the summaries cover the runs that did not collapse; {@code collapsed_runs}
   * counts the others.
   */
  public static StructType pointSchema() {
    return new StructType(new StructField[] {
        field("grid", DataTypes.StringType),
        field("panel", DataTypes.StringType),
        field("series", DataTypes.StringType),
        field("x", DataTypes.DoubleType),
        field("x_label", DataTypes.StringType),
        field("x_order", DataTypes.IntegerType),
        field("method", DataTypes.StringType),
        field("n", DataTypes.LongType),
        field("seeds", DataTypes.StringType),
        field("collapsed_runs", DataTypes.LongType),
        field("test_acc_mean", DataTypes.DoubleType),
        field("test_acc_std", DataTypes.DoubleType),
        field("test_acc_ci_low", DataTypes.DoubleType),
        field("test_acc_ci_high", DataTypes.DoubleType),
        field("val_n", DataTypes.LongType),
        field("val_acc_mean", DataTypes.DoubleType),
        field("val_acc_std", DataTypes.DoubleType),
        field("val_acc_ci_low", DataTypes.DoubleType),
        field("val_acc_ci_high", DataTypes.DoubleType),
        field("ci_note", DataTypes.StringType),
        field("trainable_params", DataTypes.LongType),
        field("train_seconds_mean", DataTypes.DoubleType),
        field("trial_ids", DataTypes.createArrayType(DataTypes.StringType)),
        field("backbone", DataTypes.StringType),
        field("dataset", DataTypes.StringType)});
  }

  /** Columns of the {@value #CLAIMS} table (differences in percentage points). */
  public static StructType claimSchema() {
    return new StructType(new StructField[] {
        field("grid", DataTypes.StringType),
        field("claim_id", DataTypes.StringType),
        field("claim", DataTypes.StringType),
        field("panel", DataTypes.StringType),
        field("metric", DataTypes.StringType),
        field("statistic", DataTypes.StringType),
        field("observed_points", DataTypes.DoubleType),
        field("ci_low_points", DataTypes.DoubleType),
        field("ci_high_points", DataTypes.DoubleType),
        field("ci_level", DataTypes.DoubleType),
        field("threshold", DataTypes.StringType),
        field("threshold_points", DataTypes.DoubleType),
        field("n_seeds", DataTypes.LongType),
        field("verdict", DataTypes.StringType),
        field("verdict_at_2_points", DataTypes.StringType),
        field("at_point_estimate", DataTypes.StringType),
        field("seeds_needed", DataTypes.LongType),
        field("collapses", DataTypes.StringType),
        field("look", DataTypes.LongType),
        field("looks", DataTypes.LongType),
        field("alpha_per_look", DataTypes.DoubleType),
        field("detail", DataTypes.StringType),
        field("backbone", DataTypes.StringType),
        field("dataset", DataTypes.StringType)});
  }

  /**
   * Columns of the {@value #UNIVERSALITY} table, written when the results hold several
   * (backbone, dataset) pairs: one row per claim and pair.
   */
  public static StructType universalitySchema() {
    return new StructType(new StructField[] {
        field("grid", DataTypes.StringType),
        field("claim_id", DataTypes.StringType),
        field("claim", DataTypes.StringType),
        field("modality", DataTypes.StringType),
        field("backbone", DataTypes.StringType),
        field("dataset", DataTypes.StringType),
        field("verdict", DataTypes.StringType),
        field("verdict_at_2_points", DataTypes.StringType),
        field("at_point_estimate", DataTypes.StringType),
        field("observed_points", DataTypes.DoubleType),
        field("n_seeds", DataTypes.LongType),
        field("seeds_needed", DataTypes.LongType)});
  }

  static Row pointRow(String grid, Combination pair, PanelPoint p) {
    Summary t = p.test();
    Summary v = p.val();
    String note = t.n() >= 2 ? null : t.n() == 1 ? "n=1: CI undefined (std and CI are null)"
        : "no values";
    return RowFactory.create(grid, p.table(), p.series(), nullable(p.x()), p.xLabel(),
        p.xOrder(), p.method(), (long) t.n(), p.seeds(), (long) p.collapsedSeeds().size(),
        nullable(t.mean()), nullable(t.std()),
        nullable(t.ciLow()), nullable(t.ciHigh()), (long) v.n(), nullable(v.mean()),
        nullable(v.std()), nullable(v.ciLow()), nullable(v.ciHigh()), note,
        p.trainableParams() < 0 ? null : p.trainableParams(), nullable(p.trainSeconds()),
        p.trialIds().toArray(new String[0]), pair.backbone(), pair.dataset());
  }

  static Row claimRow(String grid, Combination pair, Claim c, ClaimSettings settings) {
    return RowFactory.create(grid, c.id(), c.claim(), c.table(), c.metric(), c.statistic(),
        nullable(c.observed()), nullable(c.ciLow()), nullable(c.ciHigh()), nullable(c.level()),
        c.threshold(), nullable(c.thresholdValue()), (long) c.n(), c.verdict(), c.verdictWide(),
        c.atPointEstimate(), c.seedsNeeded() < 0 ? null : (long) c.seedsNeeded(),
        c.collapses(), (long) settings.look(), (long) settings.plan().looks(),
        settings.alpha(), c.detail(), pair.backbone(), pair.dataset());
  }

  static Row universalityRow(String grid, Combination pair, Claim c) {
    return RowFactory.create(grid, c.id(), c.claim(), pair.modality(), pair.backbone(),
        pair.dataset(), c.verdict(), c.verdictWide(), c.atPointEstimate(), nullable(c.observed()), (long) c.n(),
        c.seedsNeeded() < 0 ? null : (long) c.seedsNeeded());
  }

  private static Double nullable(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
