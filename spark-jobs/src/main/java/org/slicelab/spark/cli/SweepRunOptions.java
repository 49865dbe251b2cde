package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slicelab.spark.results.RunLock;
import org.slicelab.spark.sweep.LocalGpus;
import org.slicelab.spark.sweep.SweepOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that control how a sweep runs (master, time-out, retries, devices, threads, Spark
 * settings, taking over the results directory), shared as a picocli mixin by {@code sweep} and
 * {@code figure2}.
 */
public final class SweepRunOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark.master from spark-submit, else local[*])")
  String master;

  @Option(names = "--trial-timeout", paramLabel = "SECONDS", defaultValue = "0",
      description = "stop a trial after this long and record it as timeout (0 = no limit)")
  long trialTimeout;

  @Option(names = "--retry-failed",
      description = "also rerun trials whose attempts all failed, diverged or timed out")
  boolean retryFailed;

  @Option(names = "--allow-cpu-fallback",
      description = "run on CPU (and record it) when Spark assigns a GPU the engine cannot see")
  boolean allowCpuFallback;

  @Option(names = "--torch-threads", paramLabel = "N", defaultValue = "0",
      description = "torch intra-op threads per trial (default 0 = spark.task.cpus, i.e. "
          + "executor cores / task slots)")
  int torchThreads;

  @Option(names = "--local-gpus", paramLabel = "N", defaultValue = "auto",
      description = "with a local master: GPUs to hand to trials, one per trial at a time; auto "
          + "(every GPU the PyTorch engine sees, none on a CPU build), 0 (CPU only) or a count "
          + "(default: ${DEFAULT-VALUE}); a cluster uses Spark's GPU addresses instead")
  String localGpus;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "extra Spark setting (repeatable), e.g. --conf spark.task.cpus=2")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--take-over",
      description = "take the results directory even if its lock file names a run that looks "
          + "alive (for a run you know is gone, e.g. its machine died; a stale lock of a dead "
          + "process on this host is taken over without it)")
  boolean takeOver;

  /**
   * Takes ownership of the results directory {@code out} for this command (one run at a time);
   * a directory owned by another live run is refused as bad input, before any work.
   */
  RunLock lock(String out) {
    String line = "slicelab " + String.join(" ",
        command.commandLine().getParseResult().originalArgs());
    return RunLock.acquire(out, line, takeOver, System.err);
  }

  /** The sweep's options for {@code grid} into {@code out}. */
  SweepOptions toSweepOptions(Path grid, String out, boolean dryRun) {
    return new SweepOptions(grid, out, master, trialTimeout, retryFailed, dryRun,
        allowCpuFallback, torchThreads, localGpuCount(), conf);
  }

  private int localGpuCount() {
    if (localGpus.equals("auto")) {
      return LocalGpus.AUTO;
    }
    if (!localGpus.matches("\\d{1,4}")) {
      throw new IllegalArgumentException("option '--local-gpus' = " + localGpus
          + " is invalid: must be auto, 0 (CPU only) or a number of GPUs");
    }
    return Integer.parseInt(localGpus);
  }
}
