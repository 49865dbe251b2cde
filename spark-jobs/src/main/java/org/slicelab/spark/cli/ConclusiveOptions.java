package org.slicelab.spark.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.report.ClaimSettings;
import org.slicelab.spark.report.ReportJob;
import org.slicelab.spark.sequential.DesignPlan;
import org.slicelab.spark.sequential.UntilConclusive;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepSummary;
import picocli.CommandLine.Option;

/**
 * {@code --until-conclusive} and its design options, shared as a picocli mixin by
 * {@code figure2} and {@code sweep}: seeds are added look by look to the configurations of
 * undecided claims ({@link UntilConclusive}); {@code --plan} prints the design and its cost
 * instead ({@link DesignPlan}).
 */
public final class ConclusiveOptions {
  @Option(names = "--until-conclusive",
      description = "after the grid, judge the claims and add seeds to the configurations of "
          + "undecided ones, look by look, up to --max-seeds (resumable; writes the report)")
  boolean enabled;

  @Option(names = "--max-seeds", paramLabel = "N", defaultValue = "10",
      description = "most seeds per configuration with --until-conclusive (default: "
          + "${DEFAULT-VALUE})")
  int maxSeeds;

  @Option(names = "--looks", paramLabel = "L", defaultValue = "3",
      description = "looks at the claims, evenly spaced from the grid's seeds to --max-seeds; "
          + "each spends alpha / L (default: ${DEFAULT-VALUE})")
  int looks;

  @Option(names = "--plan",
      description = "with --until-conclusive: print the design (looks, seeds and alpha per "
          + "look), the trials it runs (the grid alone and at most) and their CPU-hours on this "
          + "machine (median trial_seconds per method of the results so far, else a built-in "
          + "estimate), and exit without running anything")
  boolean plan;

  @Option(names = "--margin", paramLabel = "POINTS", defaultValue = "1",
      description = "equivalence margin of Figure 2 (b)-(d) in accuracy points (default: "
          + "${DEFAULT-VALUE}, the paper's ±1%%; every claim is also judged at ±2)")
  double margin;

  /** Checks the options before any work starts. */
  void validate() {
    if (!(margin > 0 && margin <= 50)) {
      throw new IllegalArgumentException("option '--margin' = " + margin + " must be in (0, 50] "
          + "points");
    }
    if (!enabled) {
      if (plan) {
        throw new IllegalArgumentException("option '--plan' needs --until-conclusive (it plans "
            + "a sequential design)");
      }
      return;
    }
    if (maxSeeds < 1 || maxSeeds > ClaimSettings.SEEDS_CAP) {
      throw new IllegalArgumentException("option '--max-seeds' = " + maxSeeds + " must be in "
          + "1.." + ClaimSettings.SEEDS_CAP);
    }
    if (looks < 1 || looks > 20) {
      throw new IllegalArgumentException("option '--looks' = " + looks + " must be in 1..20");
    }
  }

  /**
   * The dry run of the design ({@link DesignPlan}); reads the results directory when it exists,
   * runs and writes nothing.
   */
  Map<String, Object> plan(String command, SweepOptions options, PrintStream log) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("command", command);
    int slots = slots(options.master());
    if (hasResults(options.out())) {
      try (ReportJob.Session session = ReportJob.session(options.master())) {
        line.putAll(DesignPlan.compute(options, maxSeeds, looks, margin, session.spark(), slots,
            log));
      }
    } else {
      line.putAll(DesignPlan.compute(options, maxSeeds, looks, margin, null, slots, log));
    }
    return line;
  }

  /** Whether {@code out} may hold results (a local directory that exists, or any URI). */
  private static boolean hasResults(String out) {
    if (out.matches("[A-Za-z][A-Za-z0-9+.-]+:.*") && !out.startsWith("file:")) {
      return true;
    }
    Path local = out.startsWith("file:") ? Path.of(URI.create(out)) : Path.of(out);
    return Files.isDirectory(local);
  }

  /** Trials at once: N of local[N], the cores for local[*] or no master, 1 for local. */
  static int slots(String master) {
    if (master == null || master.isBlank() || master.equals("local[*]")) {
      return Runtime.getRuntime().availableProcessors();
    }
    Matcher m = Pattern.compile("local\\[(\\d+)(,\\d+)?]")
        .matcher(master);
    if (m.matches()) {
      return Integer.parseInt(m.group(1));
    }
    return master.equals("local") ? 1 : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs the loop on the loaded {@code grid} and returns the JSON line's fields (command, grid,
   * looks, sweeps, report).
   */
  Map<String, Object> run(String command, Grid grid, SweepOptions options, PrintStream log) {
    long start = System.nanoTime();
    UntilConclusive.Outcome outcome = UntilConclusive.run(grid, options, maxSeeds, looks, margin,
        log);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("command", command);
    line.put("grid", outcome.report().grid());
    line.put("grid_file", options.grid().toString());
    line.put("out", options.out());
    line.put("until_conclusive", true);
    line.put("seeds_at_look", outcome.state().seedsAtLook());
    line.put("looks_done", outcome.state().completedLooks());
    List<Map<String, Object>> sweeps = outcome.sweeps().stream().map(SweepSummary::toMap)
        .toList();
    line.put("sweeps", sweeps);
    // the last look's sweep covers every trial so far (earlier ones are its skipped trials)
    line.put("all_ok", outcome.sweeps().isEmpty()
        || outcome.sweeps().get(outcome.sweeps().size() - 1).allOk());
    Map<String, Object> report = outcome.report().toMap();
    report.remove("command");
    line.put("report", report);
    line.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
    return line;
  }
}
