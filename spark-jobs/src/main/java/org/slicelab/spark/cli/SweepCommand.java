package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.spark.sweep.SweepJob;
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
        "A rerun skips trials already recorded (ok, or failed without --retry-failed). Prints "
            + "one JSON line: {total, skipped, ran, ok, failed, diverged, timeout, seconds, "
            + "out, ...}."})
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
    if (conclusive.enabled && !dryRun) {
      System.out.println(JsonLine.of(conclusive.run("sweep", run.toSweepOptions(grid, out,
          false), System.err)));
      return 0;
    }
    SweepSummary summary = SweepJob.run(run.toSweepOptions(grid, out, dryRun), System.err);
    if (dryRun) {
      Map<String, Object> plan = new LinkedHashMap<>();
      plan.put("total", summary.total());
      plan.put("to_run", summary.total() - summary.skipped());
      plan.put("to_skip", summary.skipped());
      plan.put("dry_run", true);
      plan.put("grid", summary.grid());
      plan.put("out", summary.out());
      System.out.println(JsonLine.of(plan));
    } else {
      System.out.println(JsonLine.of(summary.toMap()));
    }
    return 0;
  }
}
