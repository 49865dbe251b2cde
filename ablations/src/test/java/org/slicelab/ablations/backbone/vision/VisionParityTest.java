package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slicelab.ablations.train.Autograd;

/**
 * The built-in CNNs, fetched and converted as trials get them, against TensorFlow.js running the
 * original nsfwjs modules on real images (fixtures of {@code src/test/js/make-vision-fixtures.js}):
 * pooled features at the own input size and another size, and the logits of the dropped head,
 * within 1e-4 relative (max abs difference / max abs reference value).
 */
class VisionParityTest {
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mobilenet-v2, mobilenet_v2", "mobilenet-v2-mid, mobilenet_v2_mid",
      "inception-v3, inception_v3"})
  void pooledFeaturesAndHeadLogitsMatchTensorFlowJs(String name, String model) {
    VisionFixture fixture = VisionFixture.load(model);
    KerasBackbone backbone = VisionBackbones.get(name);
    assertEquals(fixture.root().get("featureLayer").asText(), backbone.plan().featureLayer());
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ImageClassifier classifier = backbone.create(manager, backbone.weights(), 2, 1);
      for (JsonNode c : fixture.root().get("cases")) {
        int size = c.get("size").asInt();
        NDArray images = manager.create(fixture.input(size, backbone.normalization()),
            new Shape(fixture.batch(), 3, size, size));
        check(name + " " + size + " px pooled features", c.get("features"),
            classifier.pooledFeatures(images));
        if (c.has("logits")) {
          assertEquals(backbone.nativeImageSize(), size);
          check(name + " " + size + " px dropped head logits", c.get("logits"),
              classifier.droppedHeadLogits(images));
        }
      }
    }
  }

  private static void check(String what, JsonNode reference, NDArray actual) {
    float[] expected = VisionFixture.floats(reference);
    assertEquals(reference.get("shape").get(1).asLong(), actual.getShape().get(1), what);
    double[] d = VisionFixture.diff(expected, actual.toFloatArray());
    System.out.printf("%s: max abs diff %.3g, relative %.3g%n", what, d[0], d[1]);
    assertTrue(d[1] < TOLERANCE, what + ": relative difference " + d[1]);
  }
}
