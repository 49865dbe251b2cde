package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slicelab.ablations.testing.MethodHarness.assertClose;
import static org.slicelab.ablations.testing.MethodHarness.forwardBackward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.ConvSpec;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.testing.TinyCnn;
import org.slicelab.ablations.testing.VisionHarness;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.DenseTrainable;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialValidator;

/**
 * LoRA on convolutions as PEFT builds it: A is a kxk convolution to r channels with the layer's
 * stride and padding, B a 1x1 convolution from r to the output channels. On one layer (3x3,
 * stride 2, asymmetric 'same' padding) the adapter equals the convolution with the merged kernel
 * {@code W + (alpha / r) B A} and has that oracle's gradients (as {@link LoraAdapterTest} checks
 * on a Linear); on the tiny CNN depthwise layers are skipped by default and refused by name,
 * frozen kernels stay bit-identical until the merge, and the merged model gives the adapted
 * model's logits.
 */
class ConvLoraTest {
  private static final int IN = 4;
  private static final int OUT = 5;
  private static final int RANK = 2;
  private static final double ALPHA = 6;

  @TempDir
  static Path dir;
  private static KerasBackbone backbone;

  @BeforeAll
  static void model() {
    backbone = TinyCnn.backbone(dir);
  }

  @Test
  void adapterIsTheConvolutionWithTheMergedKernelAndHasItsGradients() {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(5);
      // 7 x 7 with stride 2 'same': one row and column of padding, both after
      NDArray x = manager.randomNormal(new Shape(2, IN, 7, 7));
      NDArray upstream = manager.randomNormal(new Shape(2, OUT, 4, 4));
      NDArray w = manager.randomNormal(new Shape(OUT, IN, 3, 3));
      NDArray b = manager.randomNormal(new Shape(OUT));
      ConvSpec spec = new ConvSpec("conv", false, new int[] {3, 3}, new int[] {2, 2},
          new int[] {1, 1}, true, OUT, true, "linear");

      ConvLayer adapted = new ConvLayer(spec, w.duplicate(), b.duplicate());
      LoraAdapter adapter = new LoraAdapter(adapted, RANK, ALPHA, new Random(3), manager);
      adapted.addAdapter(adapter);
      List<DenseTrainable> ab = adapter.trainables("conv");
      NDArray a = ab.get(0).array();
      NDArray up = ab.get(1).array();
      assertEquals(new Shape(RANK, IN, 3, 3), a.getShape(), "A: a 3x3 convolution to r channels");
      assertEquals(new Shape(OUT, RANK), up.getShape(), "B: a 1x1 convolution from r channels");
      assertEquals(0f, up.abs().max().getFloat(), "B starts at zero");
      double bound = 1 / Math.sqrt(IN * 9);
      float largest = a.abs().max().getFloat();
      assertTrue(largest <= bound && largest > 0.7 * bound, "A ~ U(-1/sqrt(fan_in), ..)");
      assertEquals(new Shape(2, RANK, 4, 4), adapted.product(x, a).getShape(),
          "A runs with the layer's stride and padding");
      up.addi(manager.randomNormal(up.getShape()));
      float scale = (float) (ALPHA / RANK);

      NDArray deltaFlat = up.matMul(a.reshape(RANK, -1)).mul(scale);
      ConvLayer oracle = new ConvLayer(spec, w.add(deltaFlat.reshape(w.getShape())),
          b.duplicate());
      oracle.weight().setRequiresGradient(true);
      NDArray xOracle = x.duplicate();
      xOracle.setRequiresGradient(true);
      float[] outOracle = forwardBackward(oracle, xOracle, upstream);
      NDArray g = oracle.weight().getGradient().reshape(OUT, -1);

      NDArray xAdapted = x.duplicate();
      xAdapted.setRequiresGradient(true);
      float[] outAdapted = forwardBackward(adapted, xAdapted, upstream);

      assertClose(outOracle, outAdapted, "outputs");
      assertClose(g.matMul(a.reshape(RANK, -1).transpose()).mul(scale).toFloatArray(),
          up.getGradient().toFloatArray(), "dB");
      assertClose(up.transpose().matMul(g).mul(scale).toFloatArray(),
          a.getGradient().toFloatArray(), "dA");
      assertClose(xOracle.getGradient().toFloatArray(), xAdapted.getGradient().toFloatArray(),
          "input gradient");

      float[] before = adapted.forward(x).toFloatArray();
      assertTrue(TinyCnn.bitIdentical(w.toFloatArray(), adapted.weight().toFloatArray()),
          "the kernel is frozen until the merge");
      adapted.mergeAdapters();
      assertClose(before, adapted.forward(x).toFloatArray(), "merged outputs");
      assertClose(oracle.weight().toFloatArray(), adapted.weight().toFloatArray(),
          "merged kernel");
    }
  }

  private static TrialSpec lora(String targets) {
    TrialSpec.Builder b = TrialSpec.builder().method("lora").rank(RANK);
    return targets == null ? b.build() : b.targets(targets).build();
  }

  @Test
  void depthwiseLayersAreSkippedByDefault() {
    try (VisionHarness h = new VisionHarness(backbone, lora(null), 8)) {
      for (ConvLayer layer : h.model.weightLayers()) {
        assertEquals(layer.unitsShared() ? 0 : 1, layer.adapters().size(), layer.name());
      }
      assertEquals(List.of("conv1.lora_A", "conv1.lora_B", "project.lora_A", "project.lora_B",
          "expand.lora_A", "expand.lora_B", "classifier.weight", "classifier.bias"),
          h.method.trainables().stream().map(t -> t.name()).toList());
      // A r*in*taps + B out*r: conv1 2*27 + 6*2, project 2*6 + 6*2, expand 2*54 + 8*2; head 27
      assertEquals(66 + 24 + 124 + 27, h.method.trainableParameterCount());
    }
    TrialValidator.checkShapes(lora(null), backbone.architecture(), TinyCnn.CLASSES);
  }

  @Test
  void depthwiseLayersNamedAsTargetsAreRefusedByName() {
    for (String targets : List.of("dw", "project,dw", "*")) {
      IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
          () -> TrialValidator.checkShapes(lora(targets), backbone.architecture(),
              TinyCnn.CLASSES), targets);
      assertDepthwiseRefusal(early.getMessage());
      IllegalArgumentException attach = assertThrows(IllegalArgumentException.class,
          () -> new VisionHarness(backbone, lora(targets), 8).close(), targets);
      assertDepthwiseRefusal(attach.getMessage());
    }
  }

  private static void assertDepthwiseRefusal(String message) {
    assertTrue(message.contains("'targets'") && message.contains("depthwise convolution dw"),
        message);
  }

  @Test
  void rankAboveALayersChannelsIsRefusedNamingTheLayer() {
    // the rank of a kernel matrix [out, in * kh * kw] bounds LoRA's rank (PEFT takes rank 8 on
    // a 3-channel 3x3 convolution: 27 columns); 100 exceeds every layer's, conv1's first
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrialValidator.checkShapes(TrialSpec.builder().method("lora").rank(100).build(),
            backbone.architecture(), TinyCnn.CLASSES));
    assertTrue(e.getMessage().contains("'rank' = 100") && e.getMessage().contains("conv1"),
        e.getMessage());
  }

  @Test
  void kernelsStayFrozenUntilTheMergeWhichKeepsTheLogits() {
    try (VisionHarness h = new VisionHarness(backbone, lora(null), 24)) {
      h.train(8, 3e-2);
      Map<String, float[]> trained = TinyCnn.snapshot(h.model);
      h.before.forEach((name, values) -> {
        if (!name.startsWith("classifier")) {
          assertTrue(TinyCnn.bitIdentical(values, trained.get(name)),
              name + " must stay bit-identical before the merge");
        }
      });
      float[] adapted = h.logits(12);
      h.method.merge(h.model);
      float[] merged = h.logits(12);
      double diff = MethodHarness.maxDiff(adapted, merged);
      assertTrue(diff < 1e-5, "merged logits differ by " + diff);
      Map<String, float[]> after = TinyCnn.snapshot(h.model);
      for (ConvLayer layer : h.model.weightLayers()) {
        String kernel = TinyCnn.kernelName(layer);
        assertEquals(layer.unitsShared(), TinyCnn.bitIdentical(h.before.get(kernel),
            after.get(kernel)), kernel + " changes by the merge unless depthwise");
        assertTrue(layer.adapters().isEmpty());
      }
      h.before.forEach((name, values) -> {
        if (!name.startsWith("classifier") && !name.endsWith("kernel")) {
          assertTrue(TinyCnn.bitIdentical(values, after.get(name)), name + " bit-identical");
        }
      });
      assertFalse(TinyCnn.bitIdentical(h.before.get("classifier.weight"),
          after.get("classifier.weight")), "the head trains");
      assertEquals(h.fresh().parameterCount(), h.model.parameterCount());
    }
  }
}
