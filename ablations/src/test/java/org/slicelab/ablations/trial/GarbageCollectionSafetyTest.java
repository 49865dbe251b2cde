package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slicelab.ablations.testing.GarbageCollectionPressure;

/**
 * Regression test for a use-after-free: arrays backed by Java direct buffers that PyTorch saves
 * for the backward pass must stay alive until it runs. With a thread forcing garbage collections
 * every millisecond, training must give bit-identical results to a run without it (before the
 * fix, every method that back-propagates through the encoder diverged at step 2).
 */
class GarbageCollectionSafetyTest {

  private static TrialSpec tiny(String method) {
    return TrialSpec.builder().method(method).trainSize(16).valSize(16).testSize(16).maxLen(32)
        .epochs(1).batchSize(8).seed(3).lr(method.equals("full") ? 1e-4 : 1e-3).build();
  }

  private static List<Object> fingerprint(TrialResult r) {
    assertEquals(TrialStatus.OK, r.status(), r.error());
    return List.of(r.metric("train_loss"), r.metric("val_loss"), r.metric("test_loss"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"full", "slicefine", "sift", "lora"})
  void trainingUnderConstantGarbageCollectionMatchesAQuietRun(String method) {
    TrialRunner runner = new TrialRunner();
    List<Object> quiet = fingerprint(runner.run(tiny(method)));
    try (GarbageCollectionPressure pressure = GarbageCollectionPressure.start()) {
      assertEquals(quiet, fingerprint(runner.run(tiny(method))));
    }
  }
}
