package org.slicelab.ablations.backbone.vision;

import org.slicelab.ablations.data.image.ImageNormalization;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Modality;
import org.slicelab.ablations.train.Autograd;

/** The built-in MobileNetV2 as a backbone: layers, parameters, normalisation, random init. */
class KerasBackboneTest {
  private static final KerasBackbone MOBILENET = VisionBackbones.get("mobilenet-v2");

  @Test
  void mobileNetArchitecture() {
    Architecture a = MOBILENET.architecture();
    assertEquals(Modality.IMAGE, MOBILENET.modality());
    assertEquals(52, a.layers().size());
    assertEquals(17, a.layers().stream().filter(Architecture.LayerShape::unitsShared).count());
    assertEquals(new Architecture.LayerShape("block_1_expand", 96, 16, false), a.layers().get(3));
    assertEquals(new Architecture.LayerShape("block_1_depthwise", 96, 96, true, 9),
        a.layers().get(4));
    assertEquals(1280, a.features());
    assertEquals(224, MOBILENET.nativeImageSize());
    assertEquals("out_relu", MOBILENET.plan().featureLayer());
    assertEquals(ImageNormalization.ZERO_TO_ONE, MOBILENET.normalization());
    assertEquals(64, MOBILENET.weightsSha256().length());
  }

  @Test
  void classifierParametersAreKernelsBiasesAndBatchNormAffinesThenTheHead() {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ImageClassifier model = MOBILENET.create(manager, MOBILENET.weights(), 10, 1);
      Map<String, ?> params = model.parameters();
      assertTrue(params.containsKey("Conv1/kernel") && params.containsKey("bn_Conv1/gamma")
          && params.containsKey("bn_Conv1/beta"));
      assertFalse(params.containsKey("bn_Conv1/moving_mean"), "running statistics are buffers");
      assertFalse(params.containsKey("dense_1/kernel"), "the dropped head is not trained");
      assertEquals(java.util.List.of(Classifier.HEAD + ".weight", Classifier.HEAD + ".bias"),
          params.keySet().stream().skip(params.size() - 2).toList());
      long backbone = model.parameterCount() - 1280 * 10 - 10;
      System.out.println("mobilenet-v2 backbone parameters: " + backbone + ", with a 10-class "
          + "head: " + model.parameterCount());
      assertEquals(2_223_872, backbone);
      assertEquals(52, model.weightLayers().size());
      assertEquals(Classifier.HEAD, model.head().name());
    }
  }

  @Test
  void randomInitIsSeededHeNormalWithIdentityBatchNorm() {
    Map<String, FloatTensor> a = MOBILENET.randomLike(3);
    Map<String, FloatTensor> b = MOBILENET.randomLike(3);
    Map<String, FloatTensor> c = MOBILENET.randomLike(4);
    assertEquals(MOBILENET.weights().keySet(), a.keySet());
    assertEquals(a, b);
    assertNotEquals(a.get("Conv_1/kernel"), c.get("Conv_1/kernel"));
    for (var e : a.entrySet()) {
      assertArrayEquals(MOBILENET.weights().get(e.getKey()).shape(), e.getValue().shape());
    }
    assertStd(a.get("Conv_1/kernel"), Math.sqrt(2.0 / 320));
    assertStd(a.get("block_16_depthwise/depthwise_kernel"), Math.sqrt(2.0 / 9));
    for (float v : a.get("bn_Conv1/moving_variance").values()) {
      assertEquals(1f, v);
    }
    for (float v : a.get("bn_Conv1/beta").values()) {
      assertEquals(0f, v);
    }
  }

  private static void assertStd(FloatTensor t, double expected) {
    double sum = 0;
    for (float v : t.values()) {
      sum += v * v;
    }
    double std = Math.sqrt(sum / t.numel());
    assertEquals(expected, std, expected * 0.05, "std of He-normal weights");
  }
}
