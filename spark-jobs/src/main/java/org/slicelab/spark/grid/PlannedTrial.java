package org.slicelab.spark.grid;

import java.util.List;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * One distinct trial of a grid and the panels that contain it (a trial shared by two panels is
 * run once and recorded under both).
 *
 * @param spec the validated spec
 * @param panels names of the panels containing it, in file order
 */
public record PlannedTrial(TrialSpec spec, List<String> panels) {
  /** Copies {@code panels}. */
  public PlannedTrial {
    panels = List.copyOf(panels);
  }

  /** {@link TrialSpec#trialId()}. */
  public String trialId() {
    return spec.trialId();
  }
}
