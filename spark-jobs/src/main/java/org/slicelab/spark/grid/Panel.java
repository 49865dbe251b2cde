package org.slicelab.spark.grid;

import java.util.List;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * One panel of a grid: the trials of the Cartesian product of its axes.
 *
 * @param name panel name (the key under {@code panels})
 * @param description free text, may be empty
 * @param trials distinct validated specs in expansion order (last axis varies fastest)
 */
public record Panel(String name, String description, List<TrialSpec> trials) {
  /** Copies {@code trials}. */
  public Panel {
    trials = List.copyOf(trials);
  }
}
