package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.spark.sweep.SweepJob;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepSummary;
import picocli.CommandLine.Command;
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

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark.master from spark-submit, else local[*])")
  private String master;

  @Option(names = "--trial-timeout", paramLabel = "SECONDS", defaultValue = "0",
      description = "stop a trial after this long and record it as timeout (0 = no limit)")
  private long trialTimeout;

  @Option(names = "--retry-failed",
      description = "also rerun trials whose attempts all failed, diverged or timed out")
  private boolean retryFailed;

  @Option(names = "--dry-run", description = "print the plan (total, to_run, to_skip) and exit")
  private boolean dryRun;

  @Option(names = "--allow-cpu-fallback",
      description = "run on CPU (and record it) when Spark assigns a GPU the engine cannot see")
  private boolean allowCpuFallback;

  @Option(names = "--torch-threads", paramLabel = "N", defaultValue = "0",
      description = "torch intra-op threads per trial (default 0 = spark.task.cpus, i.e. "
          + "executor cores / task slots)")
  private int torchThreads;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "extra Spark setting (repeatable), e.g. --conf spark.task.cpus=2")
  private Map<String, String> conf = new LinkedHashMap<>();

  @Override
  public Integer call() {
    SweepOptions options = new SweepOptions(grid, out, master, trialTimeout, retryFailed, dryRun,
        allowCpuFallback, torchThreads, conf);
    SweepSummary summary = SweepJob.run(options, System.err);
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
