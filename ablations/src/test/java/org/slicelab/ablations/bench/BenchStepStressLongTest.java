package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.testing.GarbageCollectionPressure;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.TrainingStep;

/**
 * The benchmark's steps are deterministic: each method's case (MiniLM, batch 16, length 128, the
 * benchmark's four batches in turn, two torch threads as {@code bin/slicelab bench} runs) trained
 * twice in one JVM gives bit-identical losses and gradient norms at every step, the second time
 * with a thread forcing a garbage collection every millisecond. Before the explicit attention's
 * scale became a torch-allocated scalar, {@code slicefine_r1_row} stopped with a NaN loss in one
 * benchmark run of six, and here its first step under pressure had an infinite gradient norm
 * ({@code GraphMemorySafetyTest} is the fast, deterministic version of this check). Long: 28 minutes for the six methods on 2 cores shared with other jobs (load average
 * 8-12); run with {@code bin/slicelab-test -Plong}.
 */
@Tag("long")
class BenchStepStressLongTest {
  private static final int STEPS = 12;
  private static final int THREADS = 2;
  private static BenchData data;

  @BeforeAll
  static void loadBatches() {
    Autograd.ensureEngine();
    data = BenchData.load(Backbones.DEFAULT, 16, 128, 96, BenchRunner.DISTINCT_BATCHES,
        BenchRunner.DATA_SEED);
  }

  /** Loss and gradient norm of every step, as float bits (so NaN compares too). */
  private static List<Integer> train(String label, boolean garbageCollectionPressure) {
    int threadsBefore = JniUtils.getNumThreads();
    JniUtils.setNumThreads(THREADS);
    List<Integer> steps = new ArrayList<>();
    try (BenchCase c = new BenchCase(BenchMethod.parse(label, 16, 128), data.batch(0), 2)) {
      c.createOptimizer();
      try (GarbageCollectionPressure pressure = garbageCollectionPressure
          ? GarbageCollectionPressure.start() : null) {
        for (int step = 0; step < STEPS; step++) {
          TrainingStep.Timing t = c.step(data.batch(step));
          assertTrue(Float.isFinite(t.gradNorm()), label + " step " + (step + 1) + ": " + t);
          steps.add(Float.floatToRawIntBits(t.loss()));
          steps.add(Float.floatToRawIntBits(t.gradNorm()));
        }
      }
    } finally {
      JniUtils.setNumThreads(threadsBefore);
    }
    return steps;
  }

  @ParameterizedTest
  @ValueSource(strings = {"slicefine_r1_row", "slicefine_r1_column", "lora_r8", "full",
      "sift_1pct", "head"})
  void stepsAreBitIdenticalAcrossRunsUnderGarbageCollectionPressure(String label) {
    List<Integer> quiet = train(label, false);
    List<Integer> collected = train(label, true);
    assertEquals(quiet, collected, label + ": loss and gradient norm bits of every step");
  }
}
