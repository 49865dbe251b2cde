package org.slicelab.ablations.select;

import java.util.Arrays;
import java.util.LinkedHashMap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.method.SliceFine;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.testing.TempCacheDir;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.testing.TrialContexts;
import org.slicelab.ablations.trial.TrialSpec;

/** SliceFine with data-driven selectors trains end to end and changes only the chosen rows. */
class SelectorSliceFineTest {
  @RegisterExtension
  static final TempCacheDir CACHE = new TempCacheDir();

  private static TrialSpec spec(String selector) {
    return TrialSpec.builder().method("slicefine").mode("row").rank(3).selector(selector)
        .epochs(1).batchSize(8).calibSize(16).set("lth_rounds", 2).build();
  }

  /** Trains, merges, and checks that exactly the selected rows of every encoder Linear moved. */
  private static Map<String, int[]> trainAndCheck(MethodHarness h) {
    Map<String, int[]> chosen = new LinkedHashMap<>();
    ((SliceFine) h.method).slices().forEach((name, s) -> chosen.put(name, s.indices()));
    assertEquals(h.model.encoder().linearLayers().size(), chosen.size());
    h.train(8, 1e-2);
    h.method.merge(h.model);
    Map<String, FloatTensor> after = h.model.toHost();
    for (LinearLayer layer : h.model.encoder().linearLayers()) {
      int[] rows = chosen.get(layer.name());
      assertEquals(3, rows.length);
      float[] b = h.before.get(layer.name() + ".weight").values();
      float[] a = after.get(layer.name() + ".weight").values();
      int cols = layer.inFeatures();
      int changedInside = 0;
      for (int i = 0; i < a.length; i++) {
        boolean inside = Arrays.binarySearch(rows, i / cols) >= 0;
        boolean changed = Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]);
        if (inside) {
          changedInside += changed ? 1 : 0;
        } else {
          assertTrue(!changed, layer.name() + " entry " + i + " outside rows "
              + Arrays.toString(rows) + " changed");
        }
      }
      assertTrue(changedInside >= 0.95 * rows.length * cols, layer.name() + ": only "
          + changedInside + " slice entries changed");
      assertArrayEquals(h.before.get(layer.name() + ".bias").values(),
          after.get(layer.name() + ".bias").values(), "bias frozen");
    }
    return chosen;
  }

  @Test
  void wandaMostTrainsOnlyItsRows() {
    try (MethodHarness h = new MethodHarness(spec("wanda:most"), 24)) {
      Map<String, int[]> chosen = trainAndCheck(h);
      // not simply the default window [0, 3) everywhere
      assertTrue(chosen.values().stream().anyMatch(r -> !Arrays.equals(r, new int[] {0, 1, 2})));
    }
  }

  @Test
  void lotteryTicketBadTrainsOnlyItsRows() {
    TrialSpec spec = spec("lth:bad");
    int computed = LotteryTicketMasks.computations();
    try (MethodHarness h = new MethodHarness(spec, 24)) {
      Map<String, int[]> chosen = trainAndCheck(h);
      assertEquals(computed + 1, LotteryTicketMasks.computations());
      // the same request again is a cache hit and gives the same rows
      List<LinearLayer> layers = h.model.encoder().linearLayers();
      Map<String, int[]> again = SliceSelectors.create("lth:bad").select(
          TinyModels.classifier(h.manager, 3), layers, SliceAxis.ROW,
          TrialContexts.selection(spec, h.manager, TrialContexts.data(spec,
              TinyModels.weights(TinyModels.CONFIG, 3), h.data, "tiny")));
      assertEquals(computed + 1, LotteryTicketMasks.computations(), "cache hit");
      chosen.forEach((name, rows) -> assertArrayEquals(rows, again.get(name), name));
    }
  }
}
