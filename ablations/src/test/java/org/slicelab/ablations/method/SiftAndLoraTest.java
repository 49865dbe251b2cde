package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.trial.TrialSpec;

class SiftAndLoraTest {

  @Test
  void siftKeepsFloorRateTimesNumelPlusOneEntriesPerTensor() {
    assertEquals(3, Sift.keptEntries(256, 0.01));
    assertEquals(1, Sift.keptEntries(16, 0.01));
    assertEquals(16, Sift.keptEntries(16, 1.0));
    assertEquals(5899, Sift.keptEntries(589824, 0.01));
  }

  @Test
  void siftSelectsFromTheFirstBatchAndChangesOnlySelectedEntries() {
    TrialSpec spec = TrialSpec.builder().method("sift").siftRate(0.05).build();
    try (MethodHarness h = new MethodHarness(spec, 24);
        MethodHarness probe = new MethodHarness(TrialSpec.builder().method("full").build(), 24)) {
      // the oracle: top-k |g| of the first batch (first 8 examples, unshuffled)
      TrainingLoop.forwardBackward(probe.model, probe.data.range(0, 8), probe.manager);
      h.train(8, 1e-2);
      Map<String, long[]> chosen = ((Sift) h.method).selectedIndices();
      assertEquals(2 * 6 * 2, chosen.size(), "weight and bias of 12 layers");
      Map<String, FloatTensor> after = h.model.toHost();
      for (LinearLayer layer : probe.model.encoder().linearLayers()) {
        for (String part : new String[] {"weight", "bias"}) {
          String name = layer.name() + "." + part;
          NDArray tensor = part.equals("weight") ? layer.weight() : layer.bias();
          long[] indices = chosen.get(name);
          assertEquals(Sift.keptEntries(tensor.size(), 0.05), indices.length, name);
          float[] grad = tensor.getGradient().toFloatArray();
          float threshold = kthLargest(grad, indices.length);
          for (long i : indices) {
            assertTrue(Math.abs(grad[(int) i]) >= threshold, name + " index " + i
                + " is not among the top-k of the first batch");
          }
          float[] b = h.before.get(name).values();
          float[] a = after.get(name).values();
          int changed = 0;
          for (int i = 0; i < a.length; i++) {
            boolean selected = Arrays.binarySearch(indices, i) >= 0;
            if (a[i] != b[i]) {
              assertTrue(selected, name + " entry " + i + " changed but was not selected");
              changed++;
            }
          }
          assertTrue(changed >= indices.length - 1, name + ": " + changed + " changed");
        }
      }
      assertArrayEquals(h.before.get("embeddings.word_embeddings.weight").values(),
          after.get("embeddings.word_embeddings.weight").values());
    }
  }

  private static float kthLargest(float[] values, int k) {
    float[] abs = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      abs[i] = Math.abs(values[i]);
    }
    Arrays.sort(abs);
    return abs[abs.length - k];
  }

  @Test
  void siftOptimizerStateIsOrderK() {
    TrialSpec spec = TrialSpec.builder().method("sift").siftRate(0.05).build();
    try (MethodHarness h = new MethodHarness(spec, 16)) {
      h.train(8, 1e-2);
      long k = h.method.trainableParameterCount();
      assertTrue(k < 0.1 * h.model.parameterCount(), "k = " + k);
    }
  }

  @Test
  void loraMergedForwardEqualsUnmergedForward() {
    TrialSpec spec = TrialSpec.builder().method("lora").rank(4).build();
    try (MethodHarness h = new MethodHarness(spec, 24)) {
      h.train(8, 3e-2);
      float[] unmerged = h.logits(8);
      h.method.merge(h.model);
      float[] merged = h.logits(8);
      double diff = MethodHarness.maxDiff(unmerged, merged);
      assertTrue(diff < 1e-5, "difference " + diff);
      assertTrue(MethodHarness.maxDiff(h.before.get("encoder.layer.0.attention.self.query.weight")
          .values(), h.model.toHost().get("encoder.layer.0.attention.self.query.weight")
          .values()) > 0, "LoRA must have changed the merged weights");
    }
  }
}
