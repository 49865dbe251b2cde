package org.slicelab.spark.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.trial.TrialStatus;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.grid.PlannedTrial;

/**
 * Which of a grid's trials to run, given what the output directory already holds.
 *
 * <p>A trial with an {@code ok} attempt is always skipped. A trial whose attempts all ended
 * failed, diverged, timeout or crashed is skipped too (a configuration error would only fail
 * again), unless {@code --retry-failed}. A trial without attempts (new, or in flight when a driver died)
 * runs.
 *
 * @param total distinct trials in the grid
 * @param toRun trials to run, in grid order
 * @param skippedOk trials skipped because they have an ok attempt
 * @param skippedNotOk trials skipped because all their attempts failed (no --retry-failed)
 * @param retried trials rerun because of --retry-failed
 */
public record SweepPlan(int total, List<PlannedTrial> toRun, int skippedOk, int skippedNotOk,
    int retried) {

  /** Copies the list. */
  public SweepPlan {
    toRun = List.copyOf(toRun);
  }

  /** Plans {@code grid} against recorded statuses by trial id. */
  public static SweepPlan of(Grid grid, Map<String, List<String>> statuses, boolean retryFailed) {
    List<PlannedTrial> run = new ArrayList<>();
    int ok = 0;
    int notOk = 0;
    int retried = 0;
    for (PlannedTrial trial : grid.trials()) {
      List<String> seen = statuses.getOrDefault(trial.trialId(), List.of());
      if (seen.contains(TrialStatus.OK.label())) {
        ok++;
      } else if (seen.isEmpty()) {
        run.add(trial);
      } else if (retryFailed) {
        retried++;
        run.add(trial);
      } else {
        notOk++;
      }
    }
    return new SweepPlan(grid.trials().size(), run, ok, notOk, retried);
  }

  /** Trials skipped. */
  public int skipped() {
    return skippedOk + skippedNotOk;
  }
}
