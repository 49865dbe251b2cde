package org.slicelab.spark.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a sweep invocation, printed as the final JSON line.
 *
 * @param total distinct trials in the grid
 * @param skipped trials not run (already recorded)
 * @param skippedNotOk of those, trials whose recorded attempts are all not ok (no
 *     {@code --retry-failed})
 * @param ran trials run by this invocation
 * @param ok of those, ok
 * @param failed failed
 * @param diverged diverged (NaN/inf loss)
 * @param timeout ran past --trial-timeout
 * @param crashed their executor died in every attempt
 * @param notRecorded trials whose job ended without a result (cancelled): a rerun runs them
 * @param seconds wall time of the invocation
 * @param out output directory (qualified)
 * @param grid grid name
 * @param trialSeconds sum of the trials' own {@code trial_seconds}
 * @param sweepId id written to every row of this invocation
 */
public record SweepSummary(int total, int skipped, int skippedNotOk, int ran, int ok, int failed,
    int diverged, int timeout, int crashed, int notRecorded, double seconds, String out,
    String grid, double trialSeconds, String sweepId) {

  /** Whether every trial of the grid has an ok attempt (run now or recorded before). */
  public boolean allOk() {
    return skippedNotOk == 0 && notRecorded == 0 && ok == ran;
  }

  /** Ordered map for the JSON line. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", total);
    m.put("skipped", skipped);
    m.put("skipped_not_ok", skippedNotOk);
    m.put("ran", ran);
    m.put("ok", ok);
    m.put("failed", failed);
    m.put("diverged", diverged);
    m.put("timeout", timeout);
    m.put("crashed", crashed);
    m.put("not_recorded", notRecorded);
    m.put("all_ok", allOk());
    m.put("seconds", Math.round(seconds * 1000) / 1000.0);
    m.put("out", out);
    m.put("grid", grid);
    m.put("trial_seconds", Math.round(trialSeconds * 1000) / 1000.0);
    m.put("sweep_id", sweepId);
    return m;
  }
}
