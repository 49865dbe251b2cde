package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slicelab.ablations.testing.FreedDirectMemory;
import org.slicelab.ablations.testing.GarbageCollectionPressure;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.TrainingHarness;
import org.slicelab.ablations.testing.VisionHarness;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The autograd graph of a training step must own everything its backward pass reads. A tensor
 * saved for backward whose memory is a Java direct buffer (DJL's {@code from_blob} arrays, e.g.
 * the scalar of {@code x.muli(0.125f)}) is freed by the JVM's next garbage collection while the
 * graph still points at it: the gradients then depend on when the JVM collected, and a NaN
 * written there stops training ("diverged" in one benchmark run of six). Here a collection that
 * frees every unreachable direct buffer, and NaN scribbled over the freed memory, run between
 * the forward and the backward pass; the loss and every gradient must be bit-identical to a step
 * without them. At one torch thread the attention is the fused kernel, at two the explicit
 * products ({@code Attention}), so both forms are covered. A short training repeated under
 * constant garbage collection must also give bit-identical losses and gradient norms at every
 * step (the benchmark's failing case in small; {@code BenchStepStressLongTest} runs the real
 * one). The vision path (convolutions, depthwise convolutions, batch norm, ReLU6, residual add,
 * global pooling; {@link TinyCnn}) is held to the same rule, with scattered slices too.
 */
class GraphMemorySafetyTest {
  @TempDir
  static Path dir;
  private static KerasBackbone cnn;

  @BeforeAll
  static void tinyCnn() {
    cnn = TinyCnn.backbone(dir);
  }

  /** {@code mode}: the slice orientation, with {@code -scattered} for Wanda's random sets. */
  private static TrialSpec spec(String method, String mode) {
    TrialSpec.Builder b = TrialSpec.builder().method(method);
    if (method.equals("slicefine")) {
      switch (mode) {
        case "row", "column" -> b.rank(1).mode(mode);
        // Wanda's scores give scattered rows (one-hot placement); random ones on the tiny CNN
        case "row-wanda" -> b.rank(3).mode("row").selector("wanda:most");
        case "row-scattered", "column-scattered" -> b.rank(3)
            .mode(mode.replace("-scattered", "")).selector("wanda:random");
        case "bias_and_head" -> b.rank(1).mode("row").bias(true).head("slice");
        default -> throw new IllegalArgumentException("mode " + mode);
      }
    }
    if (method.equals("lora")) {
      b.rank(2);
    }
    return b.build();
  }


  /** The method on the tiny text model or the tiny CNN, with 8 examples. */
  private static TrainingHarness harness(String model, String method, String mode) {
    return model.equals("text") ? new MethodHarness(spec(method, mode), 8)
        : new VisionHarness(cnn, spec(method, mode), 8);
  }

  /** The loss (first entry) and every trainable's gradient after one forward/backward. */
  private static List<float[]> step(TrainingHarness h, Runnable betweenPasses) {
    List<float[]> out = new ArrayList<>();
    try (NDScope scope = new NDScope()) {
      out.add(new float[] {
          TrainingStep.forwardBackward(h.model(), h.data(), h.manager(), betweenPasses)});
      for (Trainable t : h.method().trainables()) {
        out.add(t.gradient().toFloatArray());
        t.zeroGradient();
      }
      scope.suppressNotUsedWarning();
    }
    return out;
  }

  private static <T> T atThreads(int threads, Supplier<T> work) {
    int before = JniUtils.getNumThreads();
    JniUtils.setNumThreads(threads);
    try {
      return work.get();
    } finally {
      JniUtils.setNumThreads(before);
    }
  }

  @ParameterizedTest(name = "{0}: {1} {2} at {3} torch thread(s)")
  @CsvSource({"text, slicefine, row, 2", "text, slicefine, column, 2",
      "text, slicefine, row-wanda, 2", "text, slicefine, bias_and_head, 2", "text, lora, -, 2",
      "text, full, -, 2", "text, head, -, 2", "text, sift, -, 2", "text, slicefine, row, 1",
      "text, lora, -, 1", "text, full, -, 1",
      "vision, slicefine, row, 2", "vision, slicefine, column, 2",
      "vision, slicefine, row-scattered, 2", "vision, slicefine, column-scattered, 2",
      "vision, lora, -, 2", "vision, full, -, 2", "vision, head, -, 2", "vision, sift, -, 2",
      "vision, full, -, 1"})
  void gradientsDoNotDependOnAGarbageCollectionBetweenForwardAndBackward(String model,
      String method, String mode, int threads) {
    try (TrainingHarness h = harness(model, method, mode);
        TrainingStep probe = new TrainingStep(h.model(), h.method(), h.manager(), 0, 1)) {
      probe.probeIfNeeded(h.data()); // SIFT selects its entries; other methods need no probe
      List<float[]> quiet = atThreads(threads, () -> step(h, () -> { }));
      List<FreedDirectMemory> scribbled = new ArrayList<>();
      List<float[]> collected = atThreads(threads,
          () -> step(h, () -> scribbled.add(FreedDirectMemory.releaseAndScribble())));
      assertTrue(scribbled.get(0).scribbledBytes() > 0);
      assertEquals(quiet.size(), collected.size());
      assertArrayEquals(quiet.get(0), collected.get(0), "loss");
      for (int i = 1; i < quiet.size(); i++) {
        assertArrayEquals(quiet.get(i), collected.get(i),
            "gradient of " + h.method().trainables().get(i - 1).name());
      }
    }
  }

  /** Loss and gradient norm bits of {@code steps} training steps (batch of 8, lr 1e-2). */
  private static List<Integer> train(String model, String method, int threads, int steps,
      boolean garbageCollectionPressure) {
    List<Integer> bits = new ArrayList<>();
    try (TrainingHarness h = harness(model, method, "row");
        TrainingStep step = new TrainingStep(h.model(), h.method(), h.manager(), 0.0, 1.0);
        GarbageCollectionPressure pressure = garbageCollectionPressure
            ? GarbageCollectionPressure.start() : null) {
      atThreads(threads, () -> {
        step.probeIfNeeded(h.data());
        for (int i = 0; i < steps; i++) {
          TrainingStep.Timing t = step.run(h.data(), 1e-2);
          bits.add(Float.floatToRawIntBits(t.loss()));
          bits.add(Float.floatToRawIntBits(t.gradNorm()));
        }
        return null;
      });
    }
    return bits;
  }

  @ParameterizedTest(name = "{0}: {1} at {2} torch thread(s)")
  @CsvSource({"text, slicefine, 2", "text, slicefine, 1", "vision, full, 2"})
  void trainingTwiceGivesBitIdenticalStepsUnderGarbageCollectionPressure(String model,
      String method, int threads) {
    // the benchmark's failing case, slicefine_r1_row at two threads, in small: before the fix
    // the run under pressure diverged at step 2 or 3 (not deterministic: see the test above)
    List<Integer> quiet = train(model, method, threads, 4, false);
    assertEquals(quiet, train(model, method, threads, 4, true),
        "loss and gradient norm bits of every step");
  }
}
