package org.slicelab.ablations.train;

import java.util.List;

/**
 * What a training run did.
 *
 * @param steps optimizer steps taken
 * @param finalTrainLoss mean training loss over the last epoch
 * @param trainSeconds wall time of the loop (probe and steps, no evaluation)
 * @param stepMillis wall time of every optimizer step
 * @param optimizerStateBytes largest optimizer state held at once
 * @param curve per-step training metrics
 */
public record TrainingOutcome(int steps, double finalTrainLoss, double trainSeconds,
    List<Double> stepMillis, long optimizerStateBytes, List<CurvePoint> curve) {

  /** Median of {@link #stepMillis()} (0 when no step ran). */
  public double medianStepMillis() {
    if (stepMillis.isEmpty()) {
      return 0;
    }
    double[] sorted = stepMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
