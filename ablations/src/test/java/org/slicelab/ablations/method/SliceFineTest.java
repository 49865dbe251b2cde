package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.trial.TrialSpec;

class SliceFineTest {

  private static TrialSpec spec(String mode, int rank, String position, int moveSteps) {
    return TrialSpec.builder().method("slicefine").mode(mode).rank(rank).position(position)
        .moveSteps(moveSteps).build();
  }

  /** Asserts that exactly the given rows/columns of every encoder Linear changed. */
  private static void assertOnlyChanged(MethodHarness h, Set<Integer> rows, Set<Integer> columns) {
    Map<String, FloatTensor> after = h.model.toHost();
    for (Map.Entry<String, FloatTensor> e : h.before.entrySet()) {
      String name = e.getKey();
      float[] b = e.getValue().values();
      float[] a = after.get(name).values();
      boolean isSlicedWeight = name.startsWith("encoder.") && name.endsWith("dense.weight")
          || name.matches(".*(query|key|value)\\.weight");
      if (name.startsWith("classifier")) {
        continue;
      }
      if (!isSlicedWeight) {
        assertArrayEquals(b, a, name + " must stay bit-identical");
        continue;
      }
      int cols = (int) e.getValue().shape()[1];
      int inside = 0;
      int changedInside = 0;
      for (int i = 0; i < b.length; i++) {
        boolean in = rows.contains(i / cols) || columns.contains(i % cols);
        boolean changed = Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]);
        if (in) {
          inside++;
          changedInside += changed ? 1 : 0;
        } else {
          assertTrue(!changed, name + " entry " + i + " outside the slices changed");
        }
      }
      assertTrue(changedInside >= 0.95 * inside,
          name + ": only " + changedInside + " of " + inside + " slice entries changed");
    }
  }

  @Test
  void staticRowSliceChangesOnlyItsRows() {
    try (MethodHarness h = new MethodHarness(spec("row", 2, "3", 0), 24)) {
      h.train(8, 1e-2);
      h.method.merge(h.model);
      assertOnlyChanged(h, Set.of(3, 4), Set.of());
      assertEquals(0, h.model.encoder().linearLayers().stream()
          .mapToInt(l -> l.adapters().size()).sum(), "merge removes every adapter");
    }
  }

  @Test
  void staticColumnSliceChangesOnlyItsColumns() {
    try (MethodHarness h = new MethodHarness(spec("column", 3, "8", 0), 24)) {
      h.train(8, 1e-2);
      h.method.merge(h.model);
      assertOnlyChanged(h, Set.of(), Set.of(8, 9, 10));
    }
  }

  @Test
  void alternatingMovingSliceVisitsColumnsThenRowsWithOwnPointers() {
    // move every 2 steps over 6 steps: column@2, row@2, column@4 (rank 2)
    try (MethodHarness h = new MethodHarness(spec("alternate", 2, "2", 2), 48)) {
      h.train(8, 1e-2);
      h.method.merge(h.model);
      assertOnlyChanged(h, Set.of(2, 3), Set.of(2, 3, 4, 5));
    }
  }

  @Test
  void movingRowSliceWrapsAroundTheDimension() {
    // hidden 16 rows for most layers; rank 6 from 6: rows 6-11, then 12 would not fit -> 0-5
    try (MethodHarness h = new MethodHarness(
        TrialSpec.builder().method("slicefine").mode("row").rank(6).position("6").moveSteps(1)
            .targets("attention.self.query").build(), 16)) {
      h.train(8, 1e-2);
      h.method.merge(h.model);
      Map<String, FloatTensor> after = h.model.toHost();
      float[] b = h.before.get("encoder.layer.0.attention.self.query.weight").values();
      float[] a = after.get("encoder.layer.0.attention.self.query.weight").values();
      Set<Integer> changedRows = new HashSet<>();
      for (int i = 0; i < a.length; i++) {
        if (a[i] != b[i]) {
          changedRows.add(i / 16);
        }
      }
      assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), changedRows);
    }
  }

  @Test
  void sliceGradientEqualsTheSliceOfTheFullGradient() {
    for (String mode : new String[] {"row", "column"}) {
      try (MethodHarness sliced = new MethodHarness(spec(mode, 3, "1", 0), 8);
          MethodHarness oracle = new MethodHarness(
              TrialSpec.builder().method("full").build(), 8)) {
        TrainingLoop.forwardBackward(sliced.model, sliced.data, sliced.manager);
        TrainingLoop.forwardBackward(oracle.model, oracle.data, oracle.manager);
        Map<String, SliceAdapter> slices = ((SliceFine) sliced.method).slices();
        for (LinearLayer layer : oracle.model.encoder().linearLayers()) {
          NDArray full = layer.weight().getGradient();
          NDArray expected = mode.equals("row") ? full.get("1:4") : full.get(":, 1:4");
          NDArray actual = slices.get(layer.name()).trainable().gradient();
          double diff = MethodHarness.maxDiff(expected.toFloatArray(), actual.toFloatArray());
          assertTrue(diff < 1e-5, mode + " " + layer.name() + " gradient differs by " + diff);
        }
        for (LinearLayer layer : sliced.model.encoder().linearLayers()) {
          assertTrue(!layer.weight().hasGradient(), "no full dW may be formed for "
              + layer.name());
        }
      }
    }
  }

  @Test
  void mergedModelGivesTheSlicedModelsOutputs() {
    try (MethodHarness h = new MethodHarness(spec("row", 4, "0", 0), 24)) {
      h.train(8, 3e-2);
      float[] sliced = h.logits(8);
      h.method.merge(h.model);
      float[] merged = h.logits(8);
      assertTrue(MethodHarness.maxDiff(sliced, merged) < 1e-5);
      assertEquals(TinyModels.classifier(h.manager, 3).parameterCount(),
          h.model.parameterCount(), "no parameter is added");
    }
  }

  @Test
  void trainableCountFollowsThePaper() {
    // per layer: row r*d_in, column d_out*r, bias d_out; head 2*16+2
    try (MethodHarness row = new MethodHarness(spec("row", 2, "0", 0), 8);
        MethodHarness col = new MethodHarness(TrialSpec.builder().method("slicefine")
            .mode("column").rank(2).bias(true).build(), 8)) {
      long rowExpected = 2L * (4 * 16 * 2 + 16 * 2 + 32 * 2) + 34;
      assertEquals(rowExpected, row.method.trainableParameterCount());
      long colExpected = 2L * (4 * 16 * 2 + 32 * 2 + 16 * 2) + 2L * (4 * 16 + 32 + 16) + 34;
      assertEquals(colExpected, col.method.trainableParameterCount());
    }
  }
}
