package org.slicelab.ablations.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.ImageClassifier;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.TempCacheDir;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.TrialContexts;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Lottery-ticket densities of convolutions: a hand-made mask gives the kept share of every
 * filter ({@code in * kh * kw} entries), input channel ({@code out * kh * kw}) and depthwise
 * channel ({@code kh * kw}); summaries with convolutions round-trip through the version-2 file
 * (Linear-only ones keep version 1, see {@link MaskSummaryFormatTest}); and the pruning of the
 * tiny CNN gives summaries of that shape.
 */
class ConvMaskDensityTest {
  @RegisterExtension
  static final TempCacheDir CACHE = new TempCacheDir();

  /** A mask from a string of 0/1 (other characters ignored), in the stored layout. */
  private static boolean[] mask(String bits) {
    String digits = bits.replaceAll("[^01]", "");
    boolean[] out = new boolean[digits.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = digits.charAt(i) == '1';
    }
    return out;
  }

  private static float[] ramp(int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (i % 2 == 0 ? 1 : -1) * (i + 1);
    }
    return w;
  }

  /** A Conv2D [out 3, in 2, 2x2]: filter f spans 8 entries, input channel c 12. */
  private static MaskSummary.LayerDensity conv() {
    boolean[] m = mask("1111 1111  1000 0000  0011 0001");
    return MaskSummary.LayerDensity.of("conv", 3, 2, 4, false, m, ramp(24));
  }

  /** A depthwise [3 channels, 1, 3x3]: channel c spans its 9 taps. */
  private static MaskSummary.LayerDensity depthwise() {
    boolean[] m = mask("111111111 000000001 110000000");
    return MaskSummary.LayerDensity.of("dw", 3, 3, 9, true, m, ramp(27));
  }

  @Test
  void convolutionDensitiesArePerFilterAndPerInputChannelAcrossTaps() {
    MaskSummary.LayerDensity d = conv();
    assertEquals(8, d.rowEntries());
    assertEquals(12, d.colEntries());
    // filters: 8, 1, 3 kept of 8; input channels: 4+1+2 = 7 and 4+0+1 = 5 of 12
    assertArrayEquals(new int[] {8, 1, 3}, d.rowKept());
    assertArrayEquals(new int[] {7, 5}, d.colKept());
    assertArrayEquals(new double[] {1, 1 / 8.0, 3 / 8.0}, d.density(SliceAxis.ROW), 1e-12);
    assertArrayEquals(new double[] {7 / 12.0, 5 / 12.0}, d.density(SliceAxis.COLUMN), 1e-12);
    assertEquals(12, d.kept());
    // |W| = k + 1 at flat index k = (f * 2 + c) * 4 + t: filter f sums 8f+1 .. 8f+8, input
    // channel 0 the taps 1..4, 9..12, 17..20 of the three filters, channel 1 5..8, 13..16, 21..24
    assertArrayEquals(new float[] {36, 100, 164}, d.magnitude(SliceAxis.ROW));
    assertArrayEquals(new float[] {10 + 42 + 74, 26 + 58 + 90}, d.magnitude(SliceAxis.COLUMN));
  }

  @Test
  void depthwiseDensitiesArePerChannelOverItsTaps() {
    MaskSummary.LayerDensity d = depthwise();
    assertEquals(9, d.rowEntries());
    assertEquals(9, d.colEntries());
    assertEquals(3, d.cols(), "the column units are the channels");
    assertArrayEquals(new int[] {9, 1, 2}, d.rowKept());
    assertArrayEquals(d.rowKept(), d.colKept());
    assertArrayEquals(new double[] {1, 1 / 9.0, 2 / 9.0}, d.density(SliceAxis.ROW), 1e-12);
    assertArrayEquals(d.density(SliceAxis.ROW), d.density(SliceAxis.COLUMN), 0);
    assertArrayEquals(new float[] {45, 126, 207}, d.magnitude(SliceAxis.ROW));
    assertArrayEquals(d.magnitude(SliceAxis.ROW), d.magnitude(SliceAxis.COLUMN));
  }

  private static byte[] write(MaskSummary summary) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new MaskSummaryFormat().write(summary.key(), summary, out);
    return out.toByteArray();
  }

  private static int version(byte[] file) throws Exception {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
    in.readInt();
    return in.readInt();
  }

  @Test
  void summariesWithConvolutionsRoundTripAsVersionTwo() throws Exception {
    Map<String, MaskSummary.LayerDensity> layers = new LinkedHashMap<>();
    layers.put("conv", conv());
    layers.put("dw", depthwise());
    MaskSummary.LayerDensity linear = MaskSummary.LayerDensity.of("classifier", 2, 3,
        mask("101 011"), ramp(6));
    layers.put("classifier", linear);
    MaskSummary summary = new MaskSummary("key", layers, 24 + 27 + 6, 12 + 12 + 4, 1.5);
    byte[] file = write(summary);
    assertEquals(2, version(file));
    MaskSummary read = new MaskSummaryFormat().read("key", new ByteArrayInputStream(file));
    assertNotNull(read);
    assertEquals(List.copyOf(layers.keySet()), List.copyOf(read.layers().keySet()));
    assertEquals(summary.totalEntries(), read.totalEntries());
    assertEquals(summary.keptEntries(), read.keptEntries());
    for (MaskSummary.LayerDensity was : layers.values()) {
      MaskSummary.LayerDensity now = read.layers().get(was.name());
      assertEquals(List.of(was.rows(), was.cols(), was.rowEntries(), was.colEntries()),
          List.of(now.rows(), now.cols(), now.rowEntries(), now.colEntries()), was.name());
      assertArrayEquals(was.rowKept(), now.rowKept());
      assertArrayEquals(was.colKept(), now.colKept());
      assertArrayEquals(was.rowMagnitude(), now.rowMagnitude());
      assertArrayEquals(was.colMagnitude(), now.colMagnitude());
      for (SliceAxis axis : SliceAxis.values()) {
        assertArrayEquals(was.density(axis), now.density(axis), 0, was.name() + " " + axis);
      }
    }
    assertArrayEquals(file, write(read), "written back byte for byte");
  }

  @Test
  void linearOnlySummariesAndOneByOneConvolutionsKeepVersionOne() throws Exception {
    // a 1x1 convolution's units span what a Linear's do: version 1 loses nothing
    MaskSummary.LayerDensity pointwise = MaskSummary.LayerDensity.of("project", 2, 3, 1, false,
        mask("110 001"), ramp(6));
    MaskSummary summary = new MaskSummary("key", Map.of("project", pointwise), 6, 3, 0.5);
    byte[] file = write(summary);
    assertEquals(1, version(file));
    MaskSummary read = new MaskSummaryFormat().read("key", new ByteArrayInputStream(file));
    assertEquals(3, read.layers().get("project").rowEntries());
    assertEquals(2, read.layers().get("project").colEntries());
    assertArrayEquals(pointwise.density(SliceAxis.COLUMN),
        read.layers().get("project").density(SliceAxis.COLUMN), 0);
  }

  @Test
  void pruningTheTinyCnnGivesPerFilterChannelAndDepthwiseSummaries() {
    TrialSpec spec = TrialSpec.builder().method("slicefine").rank(2).selector("lth:good")
        .seed(1).epochs(1).batchSize(8).set("lth_rounds", 2).set("lth_sparsity", 0.5).build();
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      KerasBackbone backbone = TinyCnn.backbone(CACHE.dir().resolve("model"));
      ImageClassifier model = backbone.create(manager, backbone.weights(), TinyCnn.CLASSES, 1);
      SelectionContext context = TrialContexts.selection(spec, manager, TrialContexts.data(spec,
          TinyCnn.classifiers(backbone), TinyCnn.images(16, 5), "tiny-cnn-lth"));
      MaskSummary s = LotteryTicketMasks.obtain(List.of(TinyCnn.LAYERS), TinyCnn.CLASSES,
          context);
      assertEquals(162 + 54 + 36 + 432, s.totalEntries());
      assertEquals(342, s.keptEntries(), "half of the entries");
      long kept = 0;
      for (ConvLayer layer : model.weightLayers()) {
        MaskSummary.LayerDensity d = s.layers().get(layer.name());
        int taps = layer.taps();
        int rows = layer.units(SliceAxis.ROW);
        int columns = layer.units(SliceAxis.COLUMN);
        assertEquals(List.of(rows, columns), List.of(d.rows(), d.cols()), layer.name());
        assertEquals(layer.unitsShared() ? taps : columns * taps, d.rowEntries(), layer.name());
        assertEquals(layer.unitsShared() ? taps : rows * taps, d.colEntries(), layer.name());
        int rowSum = 0;
        for (int k : d.rowKept()) {
          assertTrue(k >= 0 && k <= d.rowEntries());
          rowSum += k;
        }
        int colSum = 0;
        for (int k : d.colKept()) {
          colSum += k;
        }
        assertEquals(rowSum, colSum, layer.name() + ": every kept entry counts once per axis");
        kept += rowSum;
      }
      assertEquals(s.keptEntries(), kept);
      Map<String, int[]> chosen = SliceSelectors.create("lth:good").select(model,
          model.weightLayers(), SliceAxis.COLUMN, context);
      for (ConvLayer layer : model.weightLayers()) {
        MaskSummary.LayerDensity d = s.layers().get(layer.name());
        assertArrayEquals(LotteryTicketSelector.choose(d.density(SliceAxis.COLUMN),
            d.magnitude(SliceAxis.COLUMN), 2, true), chosen.get(layer.name()), layer.name());
      }
    }
  }
}
