package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.DeviceSyncs;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.TrainingHarness;
import org.slicelab.ablations.testing.VisionHarness;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Pins SliceLab's own device read-backs per training step for every method, on a text encoder and
 * on a CNN, so they cannot creep back (each is a GPU synchronisation): one, for the loss and all
 * gradient norms together. Whether a text batch has padding comes from the host-side batch, not
 * from a read-back of its mask. History: 1 + one per trainable + 1 (loss, each norm, the padding
 * check), then 2 (norms batched), now 1.
 */
class DeviceSyncsTest {
  private static final int PER_STEP = 1;

  @TempDir
  static Path dir;

  private static Map<String, TrialSpec> methods() {
    Map<String, TrialSpec> methods = new LinkedHashMap<>();
    methods.put("head", TrialSpec.builder().method("head").build());
    methods.put("full", TrialSpec.builder().method("full").build());
    methods.put("lora", TrialSpec.builder().method("lora").rank(2).build());
    methods.put("slicefine", TrialSpec.builder().method("slicefine").rank(2).build());
    methods.put("slicefine alternate", TrialSpec.builder().method("slicefine").mode("alternate")
        .rank(2).moveSteps(1).build());
    methods.put("sift", TrialSpec.builder().method("sift").build());
    methods.put("slicefine, weight decay", TrialSpec.builder().method("slicefine").rank(2).weightDecay(0.01)
        .build());
    return methods;
  }

  @Test
  void everyTextMethodReadsBackOncePerStep() {
    assertOncePerStep(spec -> new MethodHarness(spec, 8));
  }

  @Test
  void everyVisionMethodReadsBackOncePerStep() {
    KerasBackbone backbone = TinyCnn.backbone(dir);
    assertOncePerStep(spec -> new VisionHarness(backbone, spec, 8));
  }

  private static void assertOncePerStep(Function<TrialSpec, TrainingHarness> harnesses) {
    Map<String, Long> perStep = new LinkedHashMap<>();
    for (Map.Entry<String, TrialSpec> m : methods().entrySet()) {
      try (TrainingHarness h = harnesses.apply(m.getValue());
          TrainingStep step = new TrainingStep(h.model(), h.method(), h.manager(),
              m.getValue().weightDecay(), 1.0)) {
        step.probeIfNeeded(h.data());
        step.prepareOptimizer();
        long before = DeviceSyncs.count();
        for (int i = 0; i < 3; i++) {
          step.run(h.data(), 1e-2);
        }
        perStep.put(m.getKey(), (DeviceSyncs.count() - before) / 3);
        assertEquals(0, (DeviceSyncs.count() - before) % 3, m.getKey());
      }
    }
    Map<String, Long> expected = new LinkedHashMap<>();
    methods().keySet().forEach(k -> expected.put(k, (long) PER_STEP));
    assertEquals(expected, perStep);
  }
}
