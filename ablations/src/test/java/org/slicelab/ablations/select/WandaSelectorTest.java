package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.TrialContexts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.BertEncoder;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.trial.TrialSpec;

class WandaSelectorTest {
  private static NDManager manager;

  @BeforeAll
  static void engine() {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  // Input features over the 3 real tokens: norms 1, 2, 3, 0.5; a 4th (padded) token is huge.
  private static final float[][] TOKENS = {
      {1, 0, 0, 0.3f}, {0, 2, 0, 0.4f}, {0, 0, 3, 0}, {100, 100, 100, 100}};
  // Row scores 5, 0.1, 3, 4, 0.2; column scores 5.1, 0.2, 3, 4.
  private static final float[] WEIGHT = {
      5, 0, 0, 0,
      0.1f, 0, 0, 0,
      0, 0, 1, 0,
      0, 0, 0, -8,
      0, 0.1f, 0, 0};

  private static double[] craftedNorms() {
    LinearLayer layer = new LinearLayer("crafted", manager.create(WEIGHT, new Shape(5, 4)),
        manager.zeros(new Shape(5)));
    WandaSelector.InputNormRecorder recorder = new WandaSelector.InputNormRecorder(layer);
    layer.addAdapter(recorder);
    float[] flat = new float[16];
    for (int t = 0; t < 4; t++) {
      System.arraycopy(TOKENS[t], 0, flat, 4 * t, 4);
    }
    NDArray x = manager.create(flat, new Shape(1, 4, 4));
    recorder.setMask(manager.create(new float[] {1, 1, 1, 0}, new Shape(1, 4, 1)));
    NDArray y = layer.forward(x);
    assertEquals(new Shape(1, 4, 5), y.getShape(), "the recorder passes y through");
    return recorder.norms();
  }

  @Test
  void craftedLayerAndInputPickTheExpectedRowsAndColumns() {
    double[] norms = craftedNorms();
    assertArrayEquals(new double[] {1, 2, 3, 0.5}, norms, 1e-6, "padding excluded");

    double[] rows = WandaSelector.scores(WEIGHT, 5, 4, norms, SliceAxis.ROW);
    assertArrayEquals(new double[] {5, 0.1, 3, 4, 0.2}, rows, 1e-5);
    assertArrayEquals(new int[] {0, 3}, WandaSelector.choose(rows, 2, "most", null));
    assertArrayEquals(new int[] {1, 4}, WandaSelector.choose(rows, 2, "least", null));
    assertArrayEquals(new int[] {0, 1, 3}, WandaSelector.choose(rows, 3, "mixed", null));
    assertArrayEquals(new int[] {0, 1, 3, 4}, WandaSelector.choose(rows, 4, "mixed", null));
    assertArrayEquals(new int[] {2, 3}, WandaSelector.bestWindow(rows, 2, true));
    assertArrayEquals(new int[] {1, 2}, WandaSelector.bestWindow(rows, 2, false));

    double[] columns = WandaSelector.scores(WEIGHT, 5, 4, norms, SliceAxis.COLUMN);
    assertArrayEquals(new double[] {5.1, 0.2, 3, 4}, columns, 1e-5);
    assertArrayEquals(new int[] {0, 3}, WandaSelector.choose(columns, 2, "most", null));
    assertArrayEquals(new int[] {1}, WandaSelector.choose(columns, 1, "least", null));
    assertArrayEquals(new int[] {0, 1}, WandaSelector.choose(columns, 2, "mixed", null));
    assertArrayEquals(new int[] {2, 3}, WandaSelector.bestWindow(columns, 2, true));
    assertArrayEquals(new int[] {1, 2}, WandaSelector.bestWindow(columns, 2, false));
    assertArrayEquals(new int[] {1, 2, 3}, WandaSelector.bestWindow(columns, 3, false));
  }

  @Test
  void tiesGoToTheLowerIndex() {
    double[] flat = {1, 1, 1, 1};
    assertArrayEquals(new int[] {0, 1}, WandaSelector.choose(flat, 2, "most", null));
    assertArrayEquals(new int[] {0, 1}, WandaSelector.choose(flat, 2, "least", null));
    assertArrayEquals(new int[] {0}, WandaSelector.bestWindow(flat, 1, true));
  }

  private static TrialSpec spec(String selector, long seed) {
    return TrialSpec.builder().method("slicefine").rank(3).selector(selector).seed(seed)
        .calibSize(12).batchSize(5).build();
  }

  private static SelectionContext context(TrialSpec spec, EncodedDataset data) {
    return TrialContexts.selection(spec, manager, TrialContexts.data(spec,
        TinyModels.weights(TinyModels.CONFIG, 3), data, "tiny"));
  }

  /** Sum of squares of rows of {@code h} [B, L, d] (or [B, d]) over real tokens, per feature. */
  private static double[] maskedNorms(NDArray h, long[][] mask) {
    float[] v = h.toFloatArray();
    int d = (int) h.getShape().get(h.getShape().dimension() - 1);
    int batch = (int) h.getShape().get(0);
    int length = h.getShape().dimension() == 3 ? (int) h.getShape().get(1) : 1;
    double[] sums = new double[d];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        if (length > 1 && mask[b][t] == 0) {
          continue;
        }
        for (int j = 0; j < d; j++) {
          double x = v[(b * length + t) * d + j];
          sums[j] += x * x;
        }
      }
    }
    return Arrays.stream(sums).map(Math::sqrt).toArray();
  }

  @Test
  void calibrationMatchesAnIndependentOracleAndRestoresAdapters() {
    TextClassifier model = TinyModels.classifier(manager, 3);
    EncodedDataset data = TinyModels.data(12, 12, 5);
    LinearLayer query = model.encoder().linearLayers().get(0);
    LayerAdapter foreign = new LayerAdapter() {
      @Override
      public NDArray apply(NDArray x, NDArray y) {
        return y;
      }

      @Override
      public void mergeInto(WeightLayer layer) {
      }
    };
    query.addAdapter(foreign);
    Map<String, double[]> norms = WandaSelector.calibrate(model,
        List.of(query, model.head()), data, 5, manager);
    assertEquals(List.of(foreign), query.adapters(), "only the recorder is removed");
    assertTrue(model.head().adapters().isEmpty());

    // oracle: the layer-0 query input is the embedding output (an encoder with 0 layers)
    BertConfig c = TinyModels.CONFIG;
    BertEncoder embeddings = new BertEncoder(new BertConfig(c.vocabSize(), c.hidden(), 0,
        c.heads(), c.intermediate(), c.maxPositions(), c.typeVocab(), c.layerNormEps()),
        model.encoder().parameters());
    NDList all = data.toArrays(manager);
    NDArray h0 = embeddings.forward(all.get(0), all.get(1), all.get(2));
    long[][] mask = data.attentionMask();
    assertArrayEquals(maskedNorms(h0, mask), norms.get(query.name()), 1e-4);
    NDArray pooled = BertEncoder.meanPool(model.encoder().forward(all.get(0), all.get(1),
        all.get(2)), all.get(1));
    assertArrayEquals(maskedNorms(pooled, mask), norms.get(TextClassifier.HEAD), 1e-4);
  }

  @Test
  void paddingTokensDoNotAffectTheNorms() {
    TextClassifier model = TinyModels.classifier(manager, 3);
    EncodedDataset data = TinyModels.data(12, 12, 5);
    long[][] ids = new long[data.size()][];
    Random random = new Random(9);
    int padded = 0;
    for (int i = 0; i < data.size(); i++) {
      ids[i] = data.inputIds()[i].clone();
      for (int t = 0; t < ids[i].length; t++) {
        if (data.attentionMask()[i][t] == 0) {
          ids[i][t] = 1 + random.nextInt(TinyModels.CONFIG.vocabSize() - 1);
          padded++;
        }
      }
    }
    assertTrue(padded > 10, "the data must have padding for this test to mean anything");
    EncodedDataset changed = new EncodedDataset(ids, data.attentionMask(), data.tokenTypeIds(),
        data.labels());
    List<LinearLayer> layers = model.allLinearLayers();
    Map<String, double[]> a = WandaSelector.calibrate(model, layers, data, 5, manager);
    Map<String, double[]> b = WandaSelector.calibrate(model, layers, changed, 5, manager);
    for (LinearLayer layer : layers) {
      assertArrayEquals(a.get(layer.name()), b.get(layer.name()), 1e-5, layer.name());
    }
    // sensitivity: the padded positions do reach the layers with different values
    NDList x = data.toArrays(manager);
    NDList y = changed.toArrays(manager);
    float[] hx = model.encoder().forward(x.get(0), x.get(1), x.get(2)).toFloatArray();
    float[] hy = model.encoder().forward(y.get(0), y.get(1), y.get(2)).toFloatArray();
    assertFalse(Arrays.equals(hx, hy), "padded hidden states differ between the two datasets");
    // and the selection built on them is the same
    TrialSpec spec = spec("wanda:most", 1);
    List<LinearLayer> encoderLayers = model.encoder().linearLayers();
    Map<String, int[]> s1 = SliceSelectors.create("wanda:most").select(model, encoderLayers,
        SliceAxis.ROW, context(spec, data));
    Map<String, int[]> s2 = SliceSelectors.create("wanda:most").select(model, encoderLayers,
        SliceAxis.ROW, context(spec, changed));
    s1.forEach((name, idx) -> assertArrayEquals(idx, s2.get(name), name));
  }

  @Test
  void selectorUsesTheCalibrationScores() {
    TextClassifier model = TinyModels.classifier(manager, 3);
    EncodedDataset data = TinyModels.data(20, 12, 5);
    List<LinearLayer> layers = model.encoder().linearLayers();
    // calib_size 12 of 20 examples, batch 5 (as the spec)
    Map<String, double[]> norms = WandaSelector.calibrate(model, layers, data.range(0, 12), 5,
        manager);
    for (SliceAxis axis : SliceAxis.values()) {
      for (String selector : List.of("wanda:most", "wanda:least", "wanda:mixed",
          "wanda-window:most", "wanda-window:least")) {
        Map<String, int[]> chosen = SliceSelectors.create(selector).select(model, layers, axis,
            context(spec(selector, 1), data));
        for (LinearLayer layer : layers) {
          double[] s = WandaSelector.scores(layer.weight().toFloatArray(), layer.outFeatures(),
              layer.inFeatures(), norms.get(layer.name()), axis);
          String category = selector.substring(selector.indexOf(':') + 1);
          int[] expected = selector.startsWith("wanda-window")
              ? WandaSelector.bestWindow(s, 3, category.equals("most"))
              : WandaSelector.choose(s, 3, category, null);
          assertArrayEquals(expected, chosen.get(layer.name()), selector + " " + axis + " "
              + layer.name());
        }
      }
    }
    assertTrue(layers.stream().allMatch(l -> l.adapters().isEmpty()), "recorders removed");
  }

  @Test
  void randomIsDeterministicPerSeedAndDiffersAcrossSeeds() {
    TextClassifier model = TinyModels.classifier(manager, 3);
    EncodedDataset data = TinyModels.data(8, 12, 5);
    List<LinearLayer> layers = model.encoder().linearLayers();
    SliceSelector random = SliceSelectors.create("wanda:random");
    Map<String, int[]> a = random.select(model, layers, SliceAxis.ROW,
        context(spec("wanda:random", 1), data));
    Map<String, int[]> b = random.select(model, layers, SliceAxis.ROW,
        context(spec("wanda:random", 1), data));
    Map<String, int[]> c = random.select(model, layers, SliceAxis.ROW,
        context(spec("wanda:random", 2), data));
    boolean anyDiffers = false;
    for (LinearLayer layer : layers) {
      int[] idx = a.get(layer.name());
      assertArrayEquals(idx, b.get(layer.name()), "same seed, same draw");
      assertEquals(3, Arrays.stream(idx).distinct().count());
      assertTrue(idx[0] >= 0 && idx[2] < layer.outFeatures());
      anyDiffers |= !Arrays.equals(idx, c.get(layer.name()));
    }
    assertTrue(anyDiffers, "another seed draws other rows");
    assertFalse(Arrays.equals(a.get(layers.get(0).name()), a.get(layers.get(1).name()))
        && Arrays.equals(a.get(layers.get(1).name()), a.get(layers.get(2).name())),
        "layers of the same size draw independently");
  }

  @Test
  void registryBuildsEverySelectorAndRejectsUnknownOnes() {
    for (String name : SliceSelectors.SELECTORS) {
      SliceSelector s = SliceSelectors.create(name);
      assertTrue(name.startsWith("wanda") == s instanceof WandaSelector, name);
      assertTrue(name.startsWith("lth") == s instanceof LotteryTicketSelector, name);
    }
    assertSame(PositionSelector.class, SliceSelectors.create("position").getClass());
    for (String bad : List.of("wanda:best", "wanda-window:mixed", "lth:ugly", "lth", "magic",
        "position:most", "wanda:")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SliceSelectors.create(bad));
      assertTrue(e.getMessage().contains("'selector'") && e.getMessage().contains("wanda:most")
          && e.getMessage().contains("lth:bad"), e.getMessage());
    }
  }

  @Test
  void rankLargerThanTheDimensionIsRejected() {
    TextClassifier model = TinyModels.classifier(manager, 3);
    TrialSpec spec = TrialSpec.builder().method("slicefine").rank(17).selector("wanda:most")
        .build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SliceSelectors.create("wanda:most").select(model,
            model.encoder().linearLayers(), SliceAxis.ROW, context(spec,
                TinyModels.data(4, 12, 5))));
    assertTrue(e.getMessage().contains("'rank'"), e.getMessage());
  }
}
