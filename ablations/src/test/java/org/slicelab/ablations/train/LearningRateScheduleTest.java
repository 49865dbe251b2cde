package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The warm-up/decay schedule against hand-computed rates. Ours: warm-up step s (0-based) runs at
 * peak (s + 1) / (w + 1), so no step trains at rate 0 (Hugging Face's linear schedule starts at
 * s / w = 0); then linear decay from the peak at step w to peak / (T - w) at the last step T - 1.
 */
class LearningRateScheduleTest {

  @Test
  void warmsUpThenDecaysLinearly() {
    // T = 10 steps, warm-up ceil(0.25 * 10) = 3 steps, peak 8e-3
    LearningRateSchedule s = LearningRateSchedule.of(8e-3, 10, 0.25);
    assertEquals(3, s.warmupSteps());
    double[] expected = {2e-3, 4e-3, 6e-3, // 8e-3 * 1/4, 2/4, 3/4
        8e-3, 8e-3 * 6 / 7, 8e-3 * 5 / 7, 8e-3 * 4 / 7, 8e-3 * 3 / 7, 8e-3 * 2 / 7, 8e-3 / 7};
    for (int step = 0; step < expected.length; step++) {
      assertEquals(expected[step], s.at(step), 1e-15, "step " + step);
    }
    assertEquals(0.0, s.at(10), "past the end");
    assertEquals(0.0, s.at(25), "never negative");
  }

  @Test
  void warmUpRoundsUpAndZeroMeansNone() {
    assertEquals(1, LearningRateSchedule.of(1.0, 30, 0.01).warmupSteps(), "0.3 steps -> 1");
    assertEquals(2, LearningRateSchedule.of(1.0, 30, 0.06).warmupSteps(), "1.8 steps -> 2");
    LearningRateSchedule none = LearningRateSchedule.of(1e-3, 4, 0);
    assertEquals(0, none.warmupSteps());
    assertEquals(1e-3, none.at(0), 1e-18, "no warm-up: first step at the peak");
    assertEquals(0.75e-3, none.at(1), 1e-18);
    assertEquals(0.25e-3, none.at(3), 1e-18);
  }

  @Test
  void aRunShorterThanItsWarmUpStillEnds() {
    // one step, warm-up fraction 1: w = 1 = T; the only step is a warm-up step at peak / 2
    LearningRateSchedule s = LearningRateSchedule.of(1.0, 1, 1.0);
    assertEquals(0.5, s.at(0), 1e-15);
    assertEquals(0.0, s.at(1), 1e-15);
  }
}
