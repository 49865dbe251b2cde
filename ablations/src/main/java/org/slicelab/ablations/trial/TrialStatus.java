package org.slicelab.ablations.trial;

/** How a trial ended. */
public enum TrialStatus {
  /** Trained and evaluated. */
  OK,
  /** An exception (configuration or runtime error); the row carries the error text. */
  FAILED,
  /** The training loss became NaN or infinite. */
  DIVERGED,
  /** The trial ran past its time limit. */
  TIMEOUT,
  /**
   * The process running the trial died every time it was attempted (native crash, out-of-memory
   * kill); the row carries the cluster manager's exit cause. Recorded by the sweep driver.
   */
  CRASHED;

  /** Lower-case name as written to result tables. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
