package org.slicelab.spark.sequential;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.grid.GridLoader;
import org.slicelab.spark.grid.Panel;
import org.slicelab.spark.report.Claim;
import org.slicelab.spark.report.ClaimSettings;
import org.slicelab.spark.report.FrozenVerdicts;
import org.slicelab.spark.report.ReportData;
import org.slicelab.spark.report.ReportJob;
import org.slicelab.spark.report.ReportOptions;
import org.slicelab.spark.report.ReportSummary;
import org.slicelab.spark.stats.LookPlan;
import org.slicelab.spark.sweep.SweepJob;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepSummary;

/**
 * Seeds until decided: runs a grid, judges the claims, and adds seeds only to the configurations
 * of the claims still undecided, look after look, in one Spark application.
 *
 * <ol>
 *   <li>The design is fixed before the first look ({@link SequentialState}, written to the
 *       results directory): the grid's trials (hashed), looks evenly spaced from the grid's
 *       seeds to {@code maxSeeds}, each spending alpha / looks. A rerun with the same options
 *       and grid continues; other options, or a grid whose trials changed, are refused.
 *   <li>Look l: the grid's trials plus, for every configuration still needed, the seeds up to
 *       the l-th count (new trials of the same panels, so resume and the report treat them as
 *       grid trials); the sweep runs what is missing as new jobs of the running application.
 *   <li>The report judges the claims on exactly the first n_l seeds (so a replayed look sees
 *       what it saw the first time), writes REPORT.md, and the claims still open (undecided at
 *       ±margin or at ±2) name the configurations the next look extends. Decided claims stop
 *       and keep their verdict (per margin) at later looks; the whole loop stops when none is
 *       open.
 * </ol>
 */
public final class UntilConclusive {
  private UntilConclusive() {
  }

  /**
   * The outcome.
   *
   * @param state the design and looks done
   * @param sweeps one sweep summary per look
   * @param report the report of the last look
   */
  public record Outcome(SequentialState state, List<SweepSummary> sweeps, ReportSummary report) {
  }

  /**
   * Runs the loop on {@code grid}, loaded from {@code options.grid()}.
   *
   * @throws IllegalArgumentException for bad options or a design that differs from the one
   *     recorded in {@code options.out()}
   */
  public static Outcome run(Grid grid, SweepOptions options, int maxSeeds, int looks,
      double margin, PrintStream log) {
    Prepared prepared = prepare(grid, options, maxSeeds, looks, margin);
    List<Long> baseSeeds = prepared.baseSeeds();
    SequentialState state = prepared.state();
    if (!prepared.recorded()) {
      state.write(options.out());
    } else if (state.gridTrialIds().isEmpty()) {
      state = state.withGridTrials(prepared.wanted().gridTrialIds(), "grid trials recorded at "
          + "a resume after look " + state.completedLooks() + " (sha256 "
          + prepared.wanted().gridHash() + "): the design file predates the check, so edits "
          + "before this resume cannot be ruled out");
      state.write(options.out());
      log.println("[conclusive] WARNING: " + state.history().get(state.history().size() - 1));
    }
    log.println("[conclusive] " + state.plan() + "; seed order " + state.seedOrder()
        + "; looks done " + state.completedLooks() + "; grid " + state.gridTrialIds().size()
        + " trials, sha256 " + state.gridHash());

    SparkConf conf = SweepJob.sparkConf(options, grid);
    conf.setIfMissing("spark.sql.shuffle.partitions", "4");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Map<String, TrialSpec> known = new HashMap<>();
      grid.trials().forEach(t -> known.put(t.trialId(), t.spec()));
      Set<Map<String, Object>> needed = null; // null: every configuration of the grid
      List<SweepSummary> sweeps = new ArrayList<>();
      ReportSummary report = null;
      ReportOptions reportOptions = new ReportOptions(options.out(), grid.name(), null);
      for (int look = 1; look <= state.plan().looks(); look++) {
        Grid extended = extend(grid, baseSeeds, state.seedsAt(look), needed);
        extended.trials().forEach(t -> known.put(t.trialId(), t.spec()));
        log.printf("[conclusive] look %d of %d: %d seeds per configuration still needed, %d "
            + "trials%n", look, state.plan().looks(), state.seedsAt(look).size(),
            extended.trials().size());
        sweeps.add(SweepJob.run(extended, options, jsc, log));
        ReportData data = ReportData.load(spark, options.out(), grid.name());
        report = ReportJob.run(spark, reportOptions, data, state.settings(look),
            state.seedsAt(look), state.describe(look, true), log);
        List<Claim> open = report.claims().stream()
            .filter(c -> c.paperClaim() && c.open()).toList();
        if (look > state.completedLooks()) {
          ClaimSettings settings = state.settings(look);
          state = state.withLookDone("look " + look + ": " + state.seedsAt(look).size()
              + " seeds; " + summary(report.claims()), settings.frozen().with(
                  report.combinations(), settings));
          state.write(options.out());
        }
        log.println("[conclusive] look " + look + ": " + summary(report.claims()));
        if (open.isEmpty()) {
          log.println("[conclusive] every paper claim is decided at both margins");
          break;
        }
        needed = new LinkedHashSet<>();
        for (Claim c : open) {
          for (String id : c.trialIds()) {
            TrialSpec spec = known.get(id);
            if (spec != null) {
              needed.add(configuration(spec));
            }
          }
        }
      }
      return new Outcome(state, sweeps, report);
    } finally {
      spark.stop();
    }
  }

  /**
   * A design resolved before any work.
   *
   * @param grid the grid as written
   * @param baseSeeds the seeds its trials use
   * @param wanted the design the options ask for
   * @param state the design to run: the recorded one when there is one, else {@code wanted}
   * @param recorded whether {@code state} was read from the results directory
   */
  public record Prepared(Grid grid, List<Long> baseSeeds, SequentialState wanted,
      SequentialState state, boolean recorded) {
  }

  /**
   * Loads the grid and the recorded design, if any, and checks that they match the options;
   * writes nothing.
   *
   * @throws IllegalArgumentException for bad options, a changed grid, or a design that differs
   *     from the one recorded in {@code options.out()}
   */
  public static Prepared prepare(SweepOptions options, int maxSeeds, int looks, double margin) {
    return prepare(GridLoader.load(options.grid()), options, maxSeeds, looks, margin);
  }

  /** As {@link #prepare(SweepOptions, int, int, double)}, for a grid already loaded. */
  public static Prepared prepare(Grid grid, SweepOptions options, int maxSeeds, int looks,
      double margin) {
    List<Long> baseSeeds = new ArrayList<>(new TreeSet<>(grid.trials().stream()
        .map(t -> t.spec().seed()).toList()));
    SequentialState wanted = design(grid, baseSeeds, maxSeeds, looks, margin);
    SequentialState state = SequentialState.read(options.out());
    if (state == null) {
      return new Prepared(grid, baseSeeds, wanted, wanted, false);
    }
    state.checkGrid(wanted, options.out(), options.grid().toString());
    if (!state.sameDesign(wanted)) {
      throw new IllegalArgumentException("--out " + options.out() + " already holds a "
          + "sequential run of grid " + state.grid() + " with " + state.plan() + ", margin "
          + state.margin() + "; this call asks for " + wanted.plan() + ", margin " + margin
          + ". The design is fixed in advance: rerun with the same --max-seeds/--looks/--margin "
          + "to continue, or use a new --out");
    }
    return new Prepared(grid, baseSeeds, wanted, state, true);
  }

  /** The design for a grid whose trials use {@code baseSeeds}. */
  static SequentialState design(Grid grid, List<Long> baseSeeds, int maxSeeds, int looks,
      double margin) {
    if (maxSeeds < baseSeeds.size()) {
      throw new IllegalArgumentException("option '--max-seeds' = " + maxSeeds + " is below the "
          + baseSeeds.size() + " seed(s) the grid already has " + baseSeeds);
    }
    LookPlan plan = LookPlan.evenly(baseSeeds.size(), maxSeeds, looks);
    List<Long> order = new ArrayList<>(baseSeeds);
    long next = baseSeeds.get(baseSeeds.size() - 1) + 1;
    while (order.size() < maxSeeds) {
      order.add(next++);
    }
    return new SequentialState(grid.name(), grid.trials().stream().map(t -> t.trialId())
        .toList(), margin, plan.alpha(), plan.seedsAtLook(), order, 0, List.of(),
        FrozenVerdicts.NONE);
  }

  /**
   * The grid with, in every panel, each configuration in {@code needed} (null = all) repeated
   * for the seeds of {@code seeds} the grid does not have.
   */
  static Grid extend(Grid grid, List<Long> baseSeeds, List<Long> seeds,
      Set<Map<String, Object>> needed) {
    List<Long> extra = seeds.stream().filter(s -> !baseSeeds.contains(s)).toList();
    if (extra.isEmpty()) {
      return grid;
    }
    List<Panel> panels = new ArrayList<>();
    for (Panel panel : grid.panels()) {
      List<TrialSpec> trials = new ArrayList<>(panel.trials());
      Set<Map<String, Object>> seen = new LinkedHashSet<>();
      for (TrialSpec spec : panel.trials()) {
        Map<String, Object> config = configuration(spec);
        if ((needed == null || needed.contains(config)) && seen.add(config)) {
          for (long seed : extra) {
            trials.add(spec.toBuilder().seed(seed).build());
          }
        }
      }
      panels.add(new Panel(panel.name(), panel.description(), trials));
    }
    return grid.withPanels(panels);
  }

  /** A spec's values without its seed: one configuration. */
  static Map<String, Object> configuration(TrialSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>(spec.toMap());
    m.remove("seed");
    return m;
  }

  private static String summary(List<Claim> claims) {
    List<String> parts = new ArrayList<>();
    for (Claim c : claims) {
      if (c.paperClaim()) {
        parts.add(c.id() + " " + c.verdict() + " (±2: " + c.verdictWide() + ", n=" + c.n() + ")");
      }
    }
    return String.join(", ", parts);
  }
}
