package org.slicelab.ablations.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.ImageClassifier;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.data.image.ImageExamples;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.TrialContexts;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Wanda on convolutions against a brute-force computation on the tiny CNN: an input channel's
 * norm is the L2 norm of that channel over every position of every calibration image (the layer
 * inputs captured in one forward pass); a filter's score sums |W| times its input channel's
 * norm over every input channel and tap, an input channel's score over every filter and tap, a
 * depthwise channel's over its taps. The selectors pick the channels those scores rank first.
 */
class ConvWandaTest {
  private static final int CALIBRATION = 12;
  @TempDir
  static Path dir;
  private static NDManager manager;
  private static KerasBackbone backbone;
  private static ImageClassifier model;
  private static ImageExamples data;

  @BeforeAll
  static void setUp() {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
    backbone = TinyCnn.backbone(dir);
    model = backbone.create(manager, backbone.weights(), TinyCnn.CLASSES, 3);
    data = TinyCnn.images(20, 5);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** Every convolution's input over the calibration images, captured in one forward pass. */
  private static Map<String, NDArray> capturedInputs() {
    Map<String, NDArray> inputs = new LinkedHashMap<>();
    for (ConvLayer layer : model.weightLayers()) {
      layer.addAdapter(new LayerAdapter() {
        @Override
        public NDArray apply(NDArray x, NDArray y) {
          inputs.put(layer.name(), x);
          return y;
        }

        @Override
        public void mergeInto(WeightLayer target) {
        }
      });
    }
    NDArray images = Examples.inputs(data.range(0, CALIBRATION).toArrays(manager)).get(0);
    model.logits(Examples.inputs(data.range(0, CALIBRATION).toArrays(manager)));
    model.weightLayers().forEach(WeightLayer::clearAdapters);
    assertArrayEquals(images.toFloatArray(), inputs.get("conv1").toFloatArray(),
        "the first convolution reads the images");
    return inputs;
  }

  /** sqrt(sum over images and positions of x^2) per channel of an NCHW array. */
  private static double[] channelNorms(NDArray x) {
    long[] s = x.getShape().getShape();
    float[] v = x.toFloatArray();
    double[] sums = new double[(int) s[1]];
    int plane = (int) (s[2] * s[3]);
    for (int i = 0; i < v.length; i++) {
      sums[(i / plane) % sums.length] += (double) v[i] * v[i];
    }
    return Arrays.stream(sums).map(Math::sqrt).toArray();
  }

  /** Brute-force scores from the stored kernel [out, in, kh, kw] (depthwise [c, 1, kh, kw]). */
  private static double[] bruteForceScores(ConvLayer layer, double[] norms, SliceAxis axis) {
    long[] shape = layer.weight().getShape().getShape();
    float[] w = layer.weight().toFloatArray();
    double[] out = new double[axis == SliceAxis.ROW || layer.unitsShared() ? (int) shape[0]
        : (int) shape[1]];
    int k = 0;
    for (int o = 0; o < shape[0]; o++) {
      for (int i = 0; i < shape[1]; i++) {
        for (int t = 0; t < shape[2] * shape[3]; t++) {
          int channel = layer.unitsShared() ? o : i;
          out[axis == SliceAxis.ROW ? o : channel] += Math.abs(w[k++]) * norms[channel];
        }
      }
    }
    return out;
  }

  private static int[] topR(double[] scores, int r, boolean most) {
    Comparator<Integer> order = Comparator.comparingDouble(i -> scores[i]);
    return IntStream.range(0, scores.length).boxed().sorted(most ? order.reversed() : order)
        .limit(r).mapToInt(Integer::intValue).sorted().toArray();
  }

  @Test
  void normsAndScoresEqualABruteForceComputation() {
    Map<String, NDArray> inputs = capturedInputs();
    Map<String, double[]> norms = WandaSelector.calibrate(model, model.weightLayers(),
        data.range(0, CALIBRATION), 5, manager);
    for (ConvLayer layer : model.weightLayers()) {
      double[] expected = channelNorms(inputs.get(layer.name()));
      assertEquals(layer.units(SliceAxis.COLUMN), expected.length);
      assertArrayEquals(expected, norms.get(layer.name()), 1e-4 * max(expected), layer.name());
      for (SliceAxis axis : SliceAxis.values()) {
        double[] bruteForce = bruteForceScores(layer, expected, axis);
        assertArrayEquals(bruteForce, WandaSelector.scores(layer, expected, axis),
            1e-5 * max(bruteForce), layer.name() + " " + axis);
      }
      if (layer.unitsShared()) {
        assertArrayEquals(WandaSelector.scores(layer, expected, SliceAxis.ROW),
            WandaSelector.scores(layer, expected, SliceAxis.COLUMN), 0,
            "a depthwise layer's rows and columns are the same channels");
      }
    }
    assertTrue(model.weightLayers().stream().allMatch(l -> l.adapters().isEmpty()),
        "calibration removes its recorders");
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }

  @Test
  void selectorsPickTheChannelsTheBruteForceScoresRankFirst() {
    Map<String, NDArray> inputs = capturedInputs();
    int rank = 2;
    for (SliceAxis axis : SliceAxis.values()) {
      for (String selector : List.of("wanda:most", "wanda:least", "wanda-window:most",
          "wanda-window:least")) {
        TrialSpec spec = TrialSpec.builder().method("slicefine").rank(rank).selector(selector)
            .calibSize(CALIBRATION).batchSize(5).build();
        Map<String, int[]> chosen = SliceSelectors.create(selector).select(model,
            model.weightLayers(), axis, TrialContexts.selection(spec, manager,
                TrialContexts.data(spec, TinyCnn.classifiers(backbone), data, "tiny-cnn")));
        boolean most = selector.endsWith("most");
        for (ConvLayer layer : model.weightLayers()) {
          double[] s = bruteForceScores(layer, channelNorms(inputs.get(layer.name())), axis);
          int[] expected = selector.startsWith("wanda-window")
              ? bestWindowByBruteForce(s, rank, most) : topR(s, rank, most);
          assertArrayEquals(expected, chosen.get(layer.name()),
              selector + " " + axis + " " + layer.name() + " scores " + Arrays.toString(s));
        }
      }
    }
  }

  private static int[] bestWindowByBruteForce(double[] scores, int r, boolean most) {
    int best = 0;
    double bestSum = most ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    for (int p = 0; p + r <= scores.length; p++) {
      double sum = Arrays.stream(scores, p, p + r).sum();
      if (most ? sum > bestSum : sum < bestSum) {
        best = p;
        bestSum = sum;
      }
    }
    return IntStream.range(best, best + r).toArray();
  }
}
