package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.grid.GridLoader;
import org.slicelab.spark.results.RunLock;
import org.slicelab.spark.sweep.SweepJob;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code slicelab sweep}: runs a grid file on Spark, one task per trial, into append-only
 * Parquet tables, resuming where a previous run of the same grid stopped.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Run every trial of a grid file on Spark (one task per trial) and append the "
        + "results to Parquet tables under --out (trials, curves, panels).",
        "A rerun skips trials already recorded (ok, or failed without --retry-failed). One run "
            + "at a time owns --out (its lock file _owner.json): a second one is refused. Prints "
            + "one JSON line: {total, skipped, ran, ok, failed, diverged, timeout, crashed, "
            + "all_ok, seconds, out, ...}."},
    exitCodeListHeading = "Exit status:%n", exitCodeList = {
        "0:every trial of the grid is ok (run now or recorded before)",
        SliceLab.HELP_EXIT_ERROR, SliceLab.HELP_EXIT_BAD_INPUT,
        "3:finished, but some trials are not ok (see the JSON line)"})
public final class SweepCommand implements Callable<Integer> {

  @Option(names = "--grid", required = true, paramLabel = "FILE",
      description = "grid file (HOCON), e.g. conf/grids/smoke.conf")
  private Path grid;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "output directory (local path or Hadoop URI); created if missing")
  private String out;

  @Option(names = "--dry-run", description = "print the plan (total, to_run, to_skip) and exit")
  private boolean dryRun;

  @Mixin
  private SweepRunOptions run = new SweepRunOptions();

  @Mixin
  private ConclusiveOptions conclusive = new ConclusiveOptions();

  @Override
  public Integer call() {
    conclusive.validate();
    if (conclusive.enabled && conclusive.plan) {
      System.out.println(JsonLine.of(conclusive.plan("sweep", run.toSweepOptions(grid, out,
          true), System.err)));
      return SliceLab.EXIT_OK;
    }
    SweepOptions options = run.toSweepOptions(grid, out, dryRun);
    Grid loaded = GridLoader.load(grid); // a bad grid is refused before anything is written
    if (dryRun) {
      SweepSummary summary = SweepJob.run(loaded, options, null, System.err);
      Map<String, Object> plan = new LinkedHashMap<>();
      plan.put("total", summary.total());
      plan.put("to_run", summary.total() - summary.trials().skipped());
      plan.put("to_skip", summary.trials().skipped());
      plan.put("dry_run", true);
      plan.put("grid", summary.grid());
      plan.put("out", summary.out());
      System.out.println(JsonLine.of(plan));
      return SliceLab.EXIT_OK;
    }
    try (RunLock lock = run.lock(out)) {
      if (conclusive.enabled) {
        Map<String, Object> line = conclusive.run("sweep", loaded, options, System.err);
        System.out.println(JsonLine.of(line));
        return exitCode(Boolean.TRUE.equals(line.get("all_ok")));
      }
      SweepSummary summary = SweepJob.run(loaded, options, null, System.err);
      System.out.println(JsonLine.of(summary.toMap()));
      return exitCode(summary.allOk());
    }
  }

  /** {@link SliceLab#EXIT_OK} when every trial is ok, else {@link SliceLab#EXIT_NOT_ALL_OK}. */
  static int exitCode(boolean allOk) {
    return allOk ? SliceLab.EXIT_OK : SliceLab.EXIT_NOT_ALL_OK;
  }
}
