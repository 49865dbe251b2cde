package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.VisionHarness;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * SIFT on convolutions, as {@link SiftAndLoraTest} checks it on text: in every kernel (the whole
 * 4-D tensor) and every bias the layer has, the floor(rate * numel) + 1 entries with the largest
 * first-batch |gradient| are chosen, and only they change; batch-norm parameters and statistics
 * stay bit-identical.
 */
class ConvSiftTest {
  @TempDir
  static Path dir;
  private static KerasBackbone backbone;

  @BeforeAll
  static void model() {
    backbone = TinyCnn.backbone(dir);
  }

  @Test
  void onlyTheTopEntriesOfEachKernelAndBiasChange() {
    TrialSpec spec = TrialSpec.builder().method("sift").siftRate(0.05).build();
    try (VisionHarness h = new VisionHarness(backbone, spec, 24);
        VisionHarness probe = new VisionHarness(backbone,
            TrialSpec.builder().method("full").build(), 24)) {
      // the oracle: |gradient| of the first batch (the first 8 images, unshuffled)
      TrainingLoop.forwardBackward(probe.model, probe.data.range(0, 8), probe.manager);
      h.train(8, 1e-2);
      Map<String, long[]> chosen = ((Sift) h.method).selectedIndices();
      // k = floor(0.05 numel) + 1; conv1 has no bias (batch norm follows it)
      Map<String, Integer> expected = new LinkedHashMap<>();
      expected.put("conv1.weight", 9);    // 162 entries
      expected.put("dw.weight", 3);       // 54
      expected.put("dw.bias", 1);         // 6
      expected.put("project.weight", 2);  // 36
      expected.put("project.bias", 1);    // 6
      expected.put("expand.weight", 22);  // 432
      expected.put("expand.bias", 1);     // 8
      Map<String, Integer> sizes = new LinkedHashMap<>();
      chosen.forEach((name, indices) -> sizes.put(name, indices.length));
      assertEquals(expected, sizes);

      Map<String, float[]> after = TinyCnn.snapshot(h.model);
      Map<String, String> tensors = new LinkedHashMap<>();
      for (ConvLayer layer : probe.model.weightLayers()) {
        check(layer.name() + ".weight", layer.weight(), chosen, h.before, after,
            TinyCnn.kernelName(layer), tensors);
        if (layer.bias() != null) {
          check(layer.name() + ".bias", layer.bias(), chosen, h.before, after,
              layer.name() + "/bias", tensors);
        }
      }
      h.before.forEach((name, values) -> {
        if (!tensors.containsValue(name) && !name.startsWith("classifier")) {
          assertTrue(TinyCnn.bitIdentical(values, after.get(name)), name + " bit-identical");
        }
      });
      assertFalse(TinyCnn.bitIdentical(h.before.get("classifier.weight"),
          after.get("classifier.weight")), "the head trains fully");
      assertEquals(39 + 27, h.method.trainableParameterCount());
    }
  }

  /** The chosen entries of one tensor are top-k of the oracle's |gradient| and alone changed. */
  private static void check(String name, NDArray oracleTensor, Map<String, long[]> chosen,
      Map<String, float[]> before, Map<String, float[]> after, String arrayName,
      Map<String, String> tensors) {
    tensors.put(name, arrayName);
    long[] indices = chosen.get(name);
    float[] grad = oracleTensor.getGradient().toFloatArray();
    float[] magnitudes = new float[grad.length];
    for (int i = 0; i < grad.length; i++) {
      magnitudes[i] = Math.abs(grad[i]);
    }
    float[] sorted = magnitudes.clone();
    Arrays.sort(sorted);
    float threshold = sorted[sorted.length - indices.length];
    for (long i : indices) {
      assertTrue(magnitudes[(int) i] >= threshold, name + " index " + i
          + " is not among the top-" + indices.length + " of the first batch");
    }
    float[] b = before.get(arrayName);
    float[] a = after.get(arrayName);
    int changed = 0;
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        assertTrue(Arrays.binarySearch(indices, i) >= 0, name + " entry " + i
            + " changed but was not chosen");
        changed++;
      }
    }
    assertEquals(indices.length, changed, name + ": every chosen entry trains");
  }
}
