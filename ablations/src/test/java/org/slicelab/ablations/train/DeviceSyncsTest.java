package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.DeviceSyncs;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Pins SliceLab's own device read-backs per training step for every method, so they cannot creep
 * back (each is a GPU synchronisation): one for the loss and all gradient norms together, and one
 * for the encoder's padding check in the forward pass. Before the norms were batched a step read
 * back the loss and then each trainable's norm on its own (1 + trainables + 1).
 */
class DeviceSyncsTest {
  private static final int PER_STEP = 2;

  @Test
  void everyMethodReadsBackTwicePerStep() {
    Map<String, TrialSpec> methods = new LinkedHashMap<>();
    methods.put("head", TrialSpec.builder().method("head").build());
    methods.put("full", TrialSpec.builder().method("full").build());
    methods.put("lora", TrialSpec.builder().method("lora").rank(2).build());
    methods.put("slicefine", TrialSpec.builder().method("slicefine").rank(2).build());
    methods.put("slicefine alternate", TrialSpec.builder().method("slicefine").mode("alternate")
        .rank(2).moveSteps(1).build());
    methods.put("sift", TrialSpec.builder().method("sift").build());
    Map<String, Long> perStep = new LinkedHashMap<>();
    for (Map.Entry<String, TrialSpec> m : methods.entrySet()) {
      try (MethodHarness h = new MethodHarness(m.getValue(), 8);
          TrainingStep step = new TrainingStep(h.model, h.method, h.manager, 0.0, 1.0)) {
        step.probeIfNeeded(h.data);
        step.prepareOptimizer();
        long before = DeviceSyncs.count();
        for (int i = 0; i < 3; i++) {
          step.run(h.data, 1e-2);
        }
        perStep.put(m.getKey(), (DeviceSyncs.count() - before) / 3);
        assertEquals(0, (DeviceSyncs.count() - before) % 3, m.getKey());
      }
    }
    Map<String, Long> expected = new LinkedHashMap<>();
    methods.keySet().forEach(k -> expected.put(k, (long) PER_STEP));
    assertEquals(expected, perStep);
  }
}
