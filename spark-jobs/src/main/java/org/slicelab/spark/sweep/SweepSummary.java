package org.slicelab.spark.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a sweep invocation, printed as the final JSON line.
 *
 * @param total distinct trials in the grid
 * @param trials how they fared: skipped, run, and how the run ones ended
 * @param seconds wall time of the invocation
 * @param out output directory (qualified)
 * @param grid grid name
 * @param trialSeconds sum of the trials' own {@code trial_seconds}
 * @param sweepId id written to every row of this invocation (null for a dry run)
 */
public record SweepSummary(int total, TrialCounts trials, double seconds, String out,
    String grid, double trialSeconds, String sweepId) {

  /** Whether every trial of the grid has an ok attempt (run now or recorded before). */
  public boolean allOk() {
    return trials.allOk();
  }

  /** Ordered map for the JSON line. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", total);
    m.put("skipped", trials.skipped());
    m.put("skipped_not_ok", trials.skippedNotOk());
    m.put("ran", trials.ran());
    m.put("ok", trials.ok());
    m.put("failed", trials.failed());
    m.put("diverged", trials.diverged());
    m.put("timeout", trials.timeout());
    m.put("crashed", trials.crashed());
    m.put("not_recorded", trials.notRecorded());
    m.put("all_ok", allOk());
    m.put("seconds", Math.round(seconds * 1000) / 1000.0);
    m.put("out", out);
    m.put("grid", grid);
    m.put("trial_seconds", Math.round(trialSeconds * 1000) / 1000.0);
    m.put("sweep_id", sweepId);
    return m;
  }
}
