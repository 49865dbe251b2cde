package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.trial.TrialSpec;

class TrainingStepTest {

  @Test
  void stepsReportTheirTimingToListenersAndLearn() {
    try (MethodHarness h = new MethodHarness(TrialSpec.builder().method("full").build(), 8);
        TrainingStep step = new TrainingStep(h.model, h.method, h.manager, 0.0, 1.0)) {
      List<TrainingStep.Timing> seen = new ArrayList<>();
      step.addListener(seen::add);
      List<TrainingStep.Timing> returned = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        returned.add(step.run(h.data, 1e-2));
      }
      assertEquals(returned, seen);
      for (int i = 0; i < 4; i++) {
        TrainingStep.Timing t = seen.get(i);
        assertEquals(i + 1, t.step());
        assertTrue(t.forwardNanos() > 0 && t.backwardNanos() > 0 && t.optimizerNanos() > 0);
        assertEquals(t.forwardNanos() + t.backwardNanos() + t.optimizerNanos(), t.totalNanos());
        assertTrue(t.gradNorm() > 0);
      }
      assertTrue(seen.get(3).loss() < seen.get(0).loss(),
          "same batch four times: the loss must fall, got " + seen);
      assertEquals(4, step.steps());
      assertEquals(8L * h.model.parameterCount(), step.maxOptimizerStateBytes());
    }
  }

  @Test
  void theLoopRunsTheSameStepsAsTheStepItself() {
    TrialSpec spec = TrialSpec.builder().method("lora").rank(2).build();
    try (MethodHarness looped = new MethodHarness(spec, 8);
        MethodHarness stepped = new MethodHarness(spec, 8)) {
      TrainingOutcome outcome = TrainingLoop.train(looped.model, looped.method, looped.data,
          looped.manager, new TrainingOptions(1, 8, 1e-2, 0.0, 0.0, 1.0, 11));
      try (TrainingStep step = new TrainingStep(stepped.model, stepped.method, stepped.manager,
          0.0, 1.0)) {
        // one batch of all 8 examples: the loop's shuffle only reorders rows of the mean
        TrainingStep.Timing t = step.run(stepped.data, 1e-2);
        assertEquals(outcome.finalTrainLoss(), t.loss(), 1e-6);
      }
      assertArrayEquals(looped.logits(8), stepped.logits(8), 1e-5f);
    }
  }

  @Test
  void aNonFiniteLossStopsBeforeAnyUpdate() {
    try (MethodHarness h = new MethodHarness(TrialSpec.builder().method("head").build(), 8);
        TrainingStep step = new TrainingStep(h.model, h.method, h.manager, 0.0, 1.0)) {
      h.model.head().bias().set(new float[] {Float.NaN, 0f});
      float[] weightBefore = h.model.head().weight().toFloatArray();
      TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> step.run(h.data, 1e-2));
      assertTrue(e.getMessage().contains("step 1"), e.getMessage());
      assertArrayEquals(weightBefore, h.model.head().weight().toFloatArray());
      assertEquals(0, step.steps());
    }
  }
}
