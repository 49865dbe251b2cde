package org.slicelab.spark.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.report.ClaimSettings;
import org.slicelab.spark.sequential.UntilConclusive;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepSummary;
import picocli.CommandLine.Option;

/**
 * {@code --until-conclusive} and its design options, shared as a picocli mixin by
 * {@code figure2} and {@code sweep}: seeds are added look by look to the configurations of
 * undecided claims ({@link UntilConclusive}).
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
