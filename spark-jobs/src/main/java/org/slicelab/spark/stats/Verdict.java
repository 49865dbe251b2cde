package org.slicelab.spark.stats;

/** The three outcomes of a claim test. */
public enum Verdict {
  /** The interval lies on the claimed side. */
  REPRODUCED("reproduced"),
  /** The interval excludes the claim. */
  NOT_REPRODUCED("not reproduced"),
  /** Neither (too few seeds, or intervals straddling a threshold). */
  INCONCLUSIVE("inconclusive");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** The label used in tables and reports. */
  public String label() {
    return label;
  }
}
