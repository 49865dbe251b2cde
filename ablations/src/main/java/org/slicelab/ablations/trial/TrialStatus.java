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
  TIMEOUT;

  /** Lower-case name as written to result tables. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
