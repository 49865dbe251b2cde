package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.testing.TempCacheDir;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.VisionHarness;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * SliceFine on convolutions ({@link TinyCnn}: a 3x3 Conv2D without bias, a depthwise 3x3 with
 * bias, a 1x1 and a 3x3 Conv2D with bias, batch norm, ReLU6, a residual Add), as
 * {@link SliceFineTest} checks it on text: row slices (output filters), column slices (input
 * channels across every tap) and depthwise slices (channels), as contiguous windows and as
 * scattered index sets (Wanda's, lottery tickets'). After training every entry outside the slices is
 * bit-identical, the slices changed, gradients exist only for the increments and the head (and
 * equal the slices of the full gradient), and the merged plain model gives the adapted model's
 * logits with exactly the backbone's parameters.
 */
class ConvSliceFineTest {
  @TempDir
  static Path dir;
  @RegisterExtension
  static final TempCacheDir CACHE = new TempCacheDir();
  private static KerasBackbone backbone;

  @BeforeAll
  static void model() {
    backbone = TinyCnn.backbone(dir.resolve("model"));
  }

  private static TrialSpec spec(String mode, int rank, String position, String selector) {
    return TrialSpec.builder().method("slicefine").mode(mode).rank(rank).position(position)
        .selector(selector).calibSize(16).batchSize(8).set("lth_rounds", 2).build();
  }

  /** Rows and columns of one layer that may change. */
  private record Units(int[] rows, int[] columns) {
    boolean contain(WeightLayer layer, int k) {
      return Arrays.binarySearch(rows, TinyCnn.unitOf(layer, SliceAxis.ROW, k)) >= 0
          || Arrays.binarySearch(columns, TinyCnn.unitOf(layer, SliceAxis.COLUMN, k)) >= 0;
    }
  }

  /** The current slice of every layer as {@link Units}. */
  private static Map<String, Units> slices(VisionHarness h) {
    Map<String, Units> out = new LinkedHashMap<>();
    ((SliceFine) h.method).slices().forEach((name, s) -> out.put(name,
        s.axis() == SliceAxis.ROW ? new Units(s.indices(), new int[0])
            : new Units(new int[0], s.indices())));
    return out;
  }

  /**
   * Asserts that in every kernel exactly the entries of {@code units} changed (at least 95% of
   * them) and that every other array (biases, batch-norm parameters and statistics, the dropped
   * head) is bit-identical; the new head trained.
   */
  private static void assertOnlyTheSlicesChanged(VisionHarness h, Map<String, Units> units) {
    Map<String, float[]> after = TinyCnn.snapshot(h.model);
    Map<String, ConvLayer> kernels = new LinkedHashMap<>();
    h.model.weightLayers().forEach(l -> kernels.put(TinyCnn.kernelName(l), l));
    assertEquals(h.before.keySet(), after.keySet());
    for (Map.Entry<String, float[]> e : h.before.entrySet()) {
      String name = e.getKey();
      float[] b = e.getValue();
      float[] a = after.get(name);
      ConvLayer layer = kernels.get(name);
      if (name.startsWith("classifier")) {
        assertFalse(TinyCnn.bitIdentical(b, a), name + " must train");
      } else if (layer == null) {
        assertTrue(TinyCnn.bitIdentical(b, a), name + " must stay bit-identical");
      } else {
        Units chosen = units.get(layer.name());
        int inside = 0;
        int changedInside = 0;
        for (int k = 0; k < b.length; k++) {
          boolean changed = Float.floatToRawIntBits(a[k]) != Float.floatToRawIntBits(b[k]);
          if (chosen.contain(layer, k)) {
            inside++;
            changedInside += changed ? 1 : 0;
          } else {
            assertFalse(changed, name + " entry " + k + " outside the slice changed");
          }
        }
        assertTrue(inside > 0 && changedInside >= 0.95 * inside,
            name + ": only " + changedInside + " of " + inside + " slice entries changed");
      }
    }
    assertTrue(h.model.weightLayers().stream().allMatch(l -> l.adapters().isEmpty()),
        "merge removes every adapter");
  }

  private static boolean contiguous(int[] indices) {
    return indices[indices.length - 1] - indices[0] == indices.length - 1;
  }

  @Test
  void contiguousRowSlicesChangeOnlyTheirFilters() {
    try (VisionHarness h = new VisionHarness(backbone, spec("row", 3, "2", "position"), 24)) {
      Map<String, Units> units = slices(h);
      assertEquals(List.of(TinyCnn.LAYERS), List.copyOf(units.keySet()), "every convolution");
      units.values().forEach(u -> assertEquals("[2, 3, 4]", Arrays.toString(u.rows())));
      h.train(8, 1e-2);
      h.method.merge(h.model);
      assertOnlyTheSlicesChanged(h, units);
    }
  }

  @Test
  void contiguousColumnSlicesChangeOnlyTheirInputChannelsAtEveryTap() {
    try (VisionHarness h = new VisionHarness(backbone, spec("column", 2, "1", "position"), 24)) {
      Map<String, Units> units = slices(h);
      units.values().forEach(u -> assertEquals("[1, 2]", Arrays.toString(u.columns())));
      h.train(8, 1e-2);
      h.method.merge(h.model);
      assertOnlyTheSlicesChanged(h, units);
    }
  }

  @ParameterizedTest(name = "{0} slices chosen by {2}")
  @CsvSource({"row, 3, wanda:random", "row, 3, wanda:least", "column, 2, wanda:most",
      "row, 2, lth:good", "column, 2, lth:bad"})
  void scatteredSlicesChangeOnlyTheirUnits(String mode, int rank, String selector) {
    try (VisionHarness h = new VisionHarness(backbone, spec(mode, rank, "0", selector), 24)) {
      Map<String, Units> units = slices(h);
      List<String> scattered = new ArrayList<>();
      units.forEach((name, u) -> {
        int[] indices = mode.equals("row") ? u.rows() : u.columns();
        assertEquals(rank, indices.length, name);
        if (!contiguous(indices)) {
          scattered.add(name + Arrays.toString(indices));
        }
      });
      assertFalse(scattered.isEmpty(), "some slice must be a scattered index set: " + units);
      h.train(8, 1e-2);
      h.method.merge(h.model);
      assertOnlyTheSlicesChanged(h, units);
    }
  }

  @Test
  void alternatingMovingSlicesVisitColumnsThenRowsOnConvolutions() {
    // 24 images in batches of 8, moving every 2 steps: columns [0, 1] for two steps, then the
    // column pointer advances and rows [0, 1] train for the third step
    TrialSpec spec = TrialSpec.builder().method("slicefine").mode("alternate").rank(2)
        .position("0").moveSteps(2).build();
    try (VisionHarness h = new VisionHarness(backbone, spec, 24)) {
      h.train(8, 1e-2);
      Map<String, Units> units = new LinkedHashMap<>();
      for (String name : TinyCnn.LAYERS) {
        units.put(name, new Units(new int[] {0, 1}, new int[] {0, 1}));
      }
      slices(h).values().forEach(u -> assertEquals("[0, 1]", Arrays.toString(u.rows())));
      h.method.merge(h.model);
      assertOnlyTheSlicesChanged(h, units);
    }
  }

  @ParameterizedTest(name = "{0} slices chosen by {2}")
  @CsvSource({"row, 2, position", "column, 2, position", "row, 3, wanda:random",
      "column, 2, wanda:most"})
  void sliceGradientsAreTheSlicesOfTheFullGradientAndNothingElseHasOne(String mode, int rank,
      String selector) {
    try (VisionHarness sliced = new VisionHarness(backbone, spec(mode, rank, "1", selector), 8);
        VisionHarness oracle = new VisionHarness(backbone,
            TrialSpec.builder().method("full").build(), 8)) {
      TrainingLoop.forwardBackward(sliced.model, sliced.data, sliced.manager);
      TrainingLoop.forwardBackward(oracle.model, oracle.data, oracle.manager);
      Map<String, SliceAdapter> slices = ((SliceFine) sliced.method).slices();
      for (ConvLayer layer : oracle.model.weightLayers()) {
        SliceAdapter slice = slices.get(layer.name());
        long[] indices = Arrays.stream(slice.indices()).asLongStream().toArray();
        NDArray full = layer.weight().getGradient();
        NDArray expected = full.get(new NDIndex(layer.weightAxis(slice.axis()) == 0 ? "{}"
            : ":, {}", oracle.manager.create(indices)));
        float[] actual = slice.trainable().gradient().toFloatArray();
        double diff = MethodHarness.maxDiff(expected.toFloatArray(), actual);
        assertTrue(diff < 1e-5, mode + " " + layer.name() + " gradient differs by " + diff);
        assertTrue(MethodHarness.maxDiff(actual, new float[actual.length]) > 0, layer.name()
            + ": the slice gradient must not vanish for this test to mean anything");
      }
      sliced.model.network().arrays().forEach((name, array) ->
          assertFalse(array.hasGradient(), "no gradient may be formed for " + name));
      List<String> trainables = sliced.method.trainables().stream().map(t -> t.name()).toList();
      List<String> expected = new ArrayList<>();
      for (String layer : TinyCnn.LAYERS) {
        expected.add(layer + "." + mode + "_slice");
      }
      expected.addAll(List.of("classifier.weight", "classifier.bias"));
      assertEquals(expected, trainables, "only the increments and the head train");
      assertTrue(sliced.model.head().weight().hasGradient());
    }
  }

  @ParameterizedTest(name = "{0} slices chosen by {2}")
  @CsvSource({"row, 3, wanda:random", "column, 2, position"})
  void mergedModelGivesTheAdaptedModelsLogitsWithTheBackbonesParameters(String mode, int rank,
      String selector) {
    try (VisionHarness h = new VisionHarness(backbone, spec(mode, rank, "0", selector), 24)) {
      h.train(8, 3e-2);
      float[] adapted = h.logits(12);
      h.method.merge(h.model);
      float[] merged = h.logits(12);
      double diff = MethodHarness.maxDiff(adapted, merged);
      assertTrue(diff < 1e-5, "merged logits differ by " + diff);
      assertFalse(TinyCnn.bitIdentical(h.before.get("expand/kernel"),
          h.model.network().arrays().get("expand/kernel").toFloatArray()), "training merged");
      assertEquals(h.fresh().parameterCount(), h.model.parameterCount(), "no parameter added");
      assertEquals(755, h.model.parameterCount(), "728 backbone parameters and a 3-class head");
    }
  }

  @Test
  void trainableCountsFollowTheKernelShapes() {
    TrialSpec column = TrialSpec.builder().method("slicefine").mode("column").rank(2).bias(true)
        .build();
    try (VisionHarness row = new VisionHarness(backbone, spec("row", 2, "0", "position"), 8);
        VisionHarness col = new VisionHarness(backbone, column, 8)) {
      // rows r * in * taps: conv1 2*3*9, dw 2*1*9, project 2*6*1, expand 2*6*9; head 8*3 + 3
      assertEquals(54 + 18 + 12 + 108 + 27, row.method.trainableParameterCount());
      // columns out * r * taps: conv1 6*2*9, dw 2*9, project 6*2, expand 8*2*9; biases of dw,
      // project and expand (conv1 has none)
      assertEquals(108 + 18 + 12 + 144 + (6 + 6 + 8) + 27, col.method.trainableParameterCount());
    }
  }
}
