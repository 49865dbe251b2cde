package org.slicelab.spark.sweep;

import java.util.Locale;
import org.slicelab.ablations.trial.TrialStatus;
import org.slicelab.spark.results.TrialAttempt;

/**
 * How the grid's trials fared in one sweep invocation: skipped (already recorded) or run, and
 * how the run ones ended. Built with a {@link Tally}.
 *
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
 */
public record TrialCounts(int skipped, int skippedNotOk, int ran, int ok, int failed,
    int diverged, int timeout, int crashed, int notRecorded) {

  /** Whether every trial has an ok attempt (run now or recorded before). */
  public boolean allOk() {
    return skippedNotOk == 0 && notRecorded == 0 && ok == ran;
  }

  /** Counts the trials of one invocation as they finish. */
  static final class Tally {
    private final int skipped;
    private final int skippedNotOk;
    private int ran;
    private int ok;
    private int failed;
    private int diverged;
    private int timeout;
    private int crashed;
    private int notRecorded;
    private double trialSeconds;

    /** A tally for an invocation that skips {@code skipped} recorded trials. */
    Tally(int skipped, int skippedNotOk) {
      this.skipped = skipped;
      this.skippedNotOk = skippedNotOk;
    }

    /** A committed attempt: counted by its status, its {@code trial_seconds} summed. */
    void add(TrialAttempt a) {
      ran++;
      switch (TrialStatus.valueOf(a.status().toUpperCase(Locale.ROOT))) {
        case OK -> ok++;
        case FAILED -> failed++;
        case DIVERGED -> diverged++;
        case TIMEOUT -> timeout++;
        case CRASHED -> crashed++;
      }
      double t = a.metric("trial_seconds");
      trialSeconds += Double.isNaN(t) ? 0 : t;
    }

    /** A trial whose job ended without a result. */
    void notRecorded() {
      notRecorded++;
    }

    /** The sum of the counted trials' own {@code trial_seconds}. */
    double trialSeconds() {
      return trialSeconds;
    }

    /** The counts so far. */
    TrialCounts counts() {
      return new TrialCounts(skipped, skippedNotOk, ran, ok, failed, diverged, timeout, crashed,
          notRecorded);
    }
  }
}
