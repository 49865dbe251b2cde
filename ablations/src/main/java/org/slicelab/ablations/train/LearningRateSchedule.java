package org.slicelab.ablations.train;

/** Linear warm-up from 0 to the peak over the first steps, then linear decay to 0. */
public record LearningRateSchedule(double peak, int totalSteps, int warmupSteps) {

  /** A schedule with {@code warmupFraction} of {@code totalSteps} as warm-up. */
  public static LearningRateSchedule of(double peak, int totalSteps, double warmupFraction) {
    return new LearningRateSchedule(peak, totalSteps,
        (int) Math.ceil(warmupFraction * totalSteps));
  }

  /** The rate for 0-based optimizer step {@code step}. */
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / (warmupSteps + 1);
    }
    int decaySteps = Math.max(1, totalSteps - warmupSteps);
    return peak * Math.max(0.0, (double) (totalSteps - step) / decaySteps);
  }
}
