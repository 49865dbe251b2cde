package org.slicelab.ablations.select;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.method.MaskedFullFineTuning;
import org.slicelab.ablations.method.MethodOptions;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.TempCacheDir;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.testing.TrialContexts;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.trial.TrialSpec;

class LotteryTicketSelectorTest {
  @RegisterExtension
  static final TempCacheDir CACHE = new TempCacheDir();
  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void goodAndBadPickDensestAndSparsestWithTheMagnitudeTieRule() {
    double[] density = {0.5, 0.9, 0.9, 0.1, 0.1, 0.5, 0.3};
    float[] magnitude = {1, 2, 3, 5, 4, 0.5f, 9};
    assertArrayEquals(new int[] {2}, LotteryTicketSelector.choose(density, magnitude, 1, true));
    assertArrayEquals(new int[] {0, 1, 2},
        LotteryTicketSelector.choose(density, magnitude, 3, true));
    assertArrayEquals(new int[] {4}, LotteryTicketSelector.choose(density, magnitude, 1, false));
    assertArrayEquals(new int[] {3, 4, 6},
        LotteryTicketSelector.choose(density, magnitude, 3, false));
    assertArrayEquals(new int[] {3, 4, 5, 6},
        LotteryTicketSelector.choose(density, magnitude, 4, false));
    // complete ties: lower index
    assertArrayEquals(new int[] {0, 1}, LotteryTicketSelector.choose(
        new double[] {0.5, 0.5, 0.5}, new float[] {1, 1, 1}, 2, true));
    assertArrayEquals(new int[] {0, 1}, LotteryTicketSelector.choose(
        new double[] {0.5, 0.5, 0.5}, new float[] {1, 1, 1}, 2, false));
  }

  @Test
  void densityTableFromAMaskDrivesTheChoice() {
    // 3 x 4 mask; rows kept 4, 1, 1; columns kept 1, 2, 2, 1
    boolean[] mask = {true, true, true, true, false, true, false, false, false, false, true, false};
    float[] weight = {1, 1, 1, 1, -3, 1, 0, 0, 0, 0, 1, 0};
    MaskSummary.LayerDensity d = MaskSummary.LayerDensity.of("l", 3, 4, mask, weight);
    assertArrayEquals(new int[] {4, 1, 1}, d.rowKept());
    assertArrayEquals(new int[] {1, 2, 2, 1}, d.colKept());
    assertArrayEquals(new float[] {4, 4, 1}, d.rowMagnitude());
    assertArrayEquals(new double[] {1, 0.25, 0.25}, d.density(SliceAxis.ROW), 1e-12);
    assertArrayEquals(new int[] {0},
        LotteryTicketSelector.choose(d.density(SliceAxis.ROW), d.magnitude(SliceAxis.ROW), 1,
            true));
    // rows 1 and 2 tie at 0.25: bad takes the smaller magnitude (row 2)
    assertArrayEquals(new int[] {2},
        LotteryTicketSelector.choose(d.density(SliceAxis.ROW), d.magnitude(SliceAxis.ROW), 1,
            false));
    // columns 1 and 2 tie at 2/3; magnitudes 2 vs 2 (col 1: 1+1, col 2: 1+1) -> index
    assertArrayEquals(new int[] {1},
        LotteryTicketSelector.choose(d.density(SliceAxis.COLUMN),
            d.magnitude(SliceAxis.COLUMN), 1, true));
    // columns 0 and 3 tie at 1/3; magnitudes 1+3=4 vs 1: bad takes column 3
    assertArrayEquals(new int[] {3},
        LotteryTicketSelector.choose(d.density(SliceAxis.COLUMN),
            d.magnitude(SliceAxis.COLUMN), 1, false));
  }

  @Test
  void pruningIsGlobalByMagnitudeWithAnExactCount() {
    List<boolean[]> masks = new ArrayList<>(List.of(
        new boolean[] {true, true, true, false}, new boolean[] {true, true}));
    List<float[]> weights = List.of(new float[] {0.5f, -0.1f, 0.2f, 9f},
        new float[] {0.2f, 3f});
    // kept 5; to 2: prune 0.1, then the two 0.2s ... only one more needed -> 0.1, 0.2 (layer 0),
    // 0.2 (layer 1) would be 3: target 2 means prune 3 of 5
    long kept = IterativeMagnitudePruning.prune(masks, weights, 2);
    assertEquals(2, kept);
    assertArrayEquals(new boolean[] {true, false, false, false}, masks.get(0));
    assertArrayEquals(new boolean[] {false, true}, masks.get(1));
    // a tie at the threshold is cut in layer order
    List<boolean[]> tie = new ArrayList<>(List.of(new boolean[] {true, true},
        new boolean[] {true}));
    IterativeMagnitudePruning.prune(tie, List.of(new float[] {1, 1}, new float[] {1}), 2);
    assertArrayEquals(new boolean[] {false, true}, tie.get(0));
    assertArrayEquals(new boolean[] {true}, tie.get(1));
  }

  private static TrialSpec spec(long seed, String selector) {
    return TrialSpec.builder().method("slicefine").rank(2).selector(selector).seed(seed)
        .epochs(1).batchSize(8).trainSize(16).targets("attention.self.query,intermediate.dense")
        .set("lth_rounds", 2).set("lth_sparsity", 0.5).build();
  }

  private static final EncodedDataset DATA = TinyModels.data(16, 12, 5);

  private static SelectionContext context(TrialSpec spec, NDManager m) {
    return TrialContexts.selection(spec, m, TrialContexts.data(spec,
        TinyModels.weights(TinyModels.CONFIG, 3), DATA, "tiny-lth-test"));
  }

  private static Map<String, int[]> select(TrialSpec spec, NDManager m, SliceAxis axis) {
    TextClassifier model = TinyModels.classifier(m, 3);
    List<LinearLayer> layers = new ArrayList<>(org.slicelab.ablations.method.LayerPatterns
        .select(model.encoder().linearLayers(),
            MethodOptions.targetList((String) spec.get("targets"))));
    return SliceSelectors.create((String) spec.get("selector")).select(model, layers, axis,
        context(spec, m));
  }

  private static MaskSummary summary(TrialSpec spec) {
    List<String> names = List.of("encoder.layer.0.attention.self.query",
        "encoder.layer.0.intermediate.dense", "encoder.layer.1.attention.self.query",
        "encoder.layer.1.intermediate.dense");
    return LotteryTicketMasks.obtain(names, 2, context(spec, manager));
  }

  @Test
  void endToEndMaskReachesTheSparsityAndIsCached() throws Exception {
    TrialSpec good = spec(1, "lth:good");
    int computed = LotteryTicketMasks.computations();
    Map<String, int[]> first = select(good, manager, SliceAxis.ROW);
    assertEquals(computed + 1, LotteryTicketMasks.computations(), "first request computes");

    MaskSummary s = summary(good);
    assertEquals(0.5, s.sparsity(), 0.02, "target sparsity");
    long total = 2L * (16 * 16 + 32 * 16);
    assertEquals(total, s.totalEntries());
    long keptSum = s.layers().values().stream().mapToLong(MaskSummary.LayerDensity::kept)
        .sum();
    assertEquals(s.keptEntries(), keptSum);
    assertTrue(s.layers().values().stream().anyMatch(d -> {
      double[] rows = d.density(SliceAxis.ROW);
      return java.util.Arrays.stream(rows).max().getAsDouble()
          > java.util.Arrays.stream(rows).min().getAsDouble();
    }), "rows are pruned unevenly");
    Path file = LotteryTicketMasks.cachePath(LotteryTicketMasks.Settings.of(
        TrialContexts.selection(good, manager, TrialContexts.data(good, Map.of(), DATA,
            "tiny-lth-test")),
        MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.learningRate(),
        List.copyOf(s.layers().keySet()), 2));
    assertTrue(Files.isRegularFile(file), "cache file written at " + file);
    assertTrue(file.startsWith(CACHE.dir()));

    // expected picks from the table
    for (Map.Entry<String, int[]> e : first.entrySet()) {
      MaskSummary.LayerDensity d = s.layers().get(e.getKey());
      assertArrayEquals(LotteryTicketSelector.choose(d.density(SliceAxis.ROW),
          d.magnitude(SliceAxis.ROW), 2, true), e.getValue(), e.getKey());
    }

    // same key: hit (memory), hit (file after forgetting memory), also for lth:bad and columns
    select(spec(1, "lth:bad"), manager, SliceAxis.COLUMN);
    LotteryTicketMasks.clearMemory();
    int loads = LotteryTicketMasks.fileLoads();
    Map<String, int[]> again = select(good, manager, SliceAxis.ROW);
    assertEquals(computed + 1, LotteryTicketMasks.computations(), "same key: no recomputation");
    assertEquals(loads + 1, LotteryTicketMasks.fileLoads(), "read from the cache file");
    first.forEach((name, idx) -> assertArrayEquals(idx, again.get(name)));

    // another seed: a miss
    select(spec(2, "lth:good"), manager, SliceAxis.ROW);
    assertEquals(computed + 2, LotteryTicketMasks.computations(), "another seed recomputes");

    // two trials asking for a new key at once: computed once
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Map<String, int[]>>> futures = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        futures.add(pool.submit(() -> {
          try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Autograd.setRecording(true); // task threads may start with grad mode on
            return select(spec(3, "lth:bad"), m, SliceAxis.ROW);
          }
        }));
      }
      Map<String, int[]> a = futures.get(0).get();
      Map<String, int[]> b = futures.get(1).get();
      a.forEach((name, idx) -> assertArrayEquals(idx, b.get(name)));
    } finally {
      pool.shutdown();
    }
    assertEquals(computed + 3, LotteryTicketMasks.computations(), "concurrent requests: once");
    assertFalse(Files.list(file.getParent()).anyMatch(p -> p.toString().endsWith(".tmp")),
        "no temp files left");
  }
}
