package org.slicelab.spark.sweep;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of one {@code slicelab sweep} invocation.
 *
 * @param grid grid file
 * @param out output directory (local path or Hadoop URI)
 * @param master Spark master URL, or null for {@code spark.master} (set by spark-submit) or
 *     {@code local[*]}
 * @param trialTimeoutSeconds per-trial limit, 0 = none
 * @param retryFailed also rerun trials whose recorded attempts are all failed, diverged,
 *     timeout or crashed
 * @param dryRun print the plan and exit without starting Spark or writing
 * @param allowCpuFallback run on CPU when a GPU is assigned but the engine sees none
 * @param torchThreads torch intra-op threads per trial, 0 = the task's CPUs
 * @param localGpus GPUs a local-mode sweep hands to its trials, one per trial:
 *     {@link LocalGpus#AUTO} (every GPU the engine sees), 0 (CPU only) or a count
 * @param sparkConf extra Spark settings ({@code --conf KEY=VALUE}), applied last
 */
public record SweepOptions(Path grid, String out, String master, long trialTimeoutSeconds,
    boolean retryFailed, boolean dryRun, boolean allowCpuFallback, int torchThreads,
    int localGpus, Map<String, String> sparkConf) {

  /** Validates and copies. */
  public SweepOptions {
    if (grid == null) {
      throw new IllegalArgumentException("option '--grid' is required");
    }
    if (trialTimeoutSeconds < 0) {
      throw new IllegalArgumentException("option '--trial-timeout' = " + trialTimeoutSeconds
          + " is invalid: must be >= 0 seconds (0 = no limit)");
    }
    if (torchThreads < 0) {
      throw new IllegalArgumentException("option '--torch-threads' = " + torchThreads
          + " is invalid: must be >= 0 (0 = spark.task.cpus)");
    }
    if (localGpus < LocalGpus.AUTO) {
      throw new IllegalArgumentException("option '--local-gpus' = " + localGpus
          + " is invalid: must be auto, 0 (CPU only) or a number of GPUs");
    }
    sparkConf = sparkConf == null ? Map.of() : new LinkedHashMap<>(sparkConf);
  }

  /**
   * Options with defaults: no timeout, no retry, no dry run, no fallback, automatic threads,
   * every local GPU.
   */
  public static SweepOptions of(Path grid, String out, String master) {
    return new SweepOptions(grid, out, master, 0, false, false, false, 0, LocalGpus.AUTO,
        Map.of());
  }
}
