package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.VisionHarness;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The baselines on a CNN: full fine-tuning trains every kernel, bias and batch-norm gamma and
 * beta but never the running statistics (buffers, batch norm in eval mode); head-only leaves
 * every backbone array bit-identical.
 */
class ConvFullAndHeadTest {
  @TempDir
  static Path dir;
  private static KerasBackbone backbone;

  @BeforeAll
  static void model() {
    backbone = TinyCnn.backbone(dir);
  }

  private static boolean isRunningStatistic(String name) {
    return name.endsWith("/moving_mean") || name.endsWith("/moving_variance");
  }

  private static boolean isDroppedHead(String name) {
    return name.startsWith("dense/");
  }

  @Test
  void fullFineTuningTrainsKernelsBiasesAndBatchNormAffinesButNotTheStatistics() {
    try (VisionHarness h = new VisionHarness(backbone,
        TrialSpec.builder().method("full").build(), 24)) {
      assertEquals(List.of("conv1/kernel", "bn1/gamma", "bn1/beta", "dw/depthwise_kernel",
          "dw/bias", "bn2/gamma", "bn2/beta", "project/kernel", "project/bias", "expand/kernel",
          "expand/bias", "classifier.weight", "classifier.bias"),
          h.method.trainables().stream().map(t -> t.name()).toList());
      h.train(8, 1e-2);
      Map<String, float[]> after = TinyCnn.snapshot(h.model);
      h.before.forEach((name, values) -> {
        boolean frozen = isRunningStatistic(name) || isDroppedHead(name);
        assertEquals(frozen, TinyCnn.bitIdentical(values, after.get(name)),
            name + (frozen ? " must stay bit-identical" : " must train"));
      });
      assertTrue(h.before.keySet().stream().filter(n -> isRunningStatistic(n)).count() == 4);
    }
  }

  @Test
  void headOnlyLeavesEveryBackboneArrayBitIdentical() {
    try (VisionHarness h = new VisionHarness(backbone,
        TrialSpec.builder().method("head").build(), 24)) {
      h.train(8, 1e-2);
      Map<String, float[]> after = TinyCnn.snapshot(h.model);
      h.before.forEach((name, values) -> {
        boolean head = name.startsWith("classifier");
        assertEquals(!head, TinyCnn.bitIdentical(values, after.get(name)), name);
      });
      h.model.network().arrays().forEach((name, array) ->
          assertFalse(array.hasGradient(), "no gradient may be formed for " + name));
    }
  }
}
