package org.slicelab.ablations.backbone.vision;

import org.slicelab.ablations.data.image.ImageNormalization;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slicelab.ablations.backbone.FloatTensor;

/** Reading TF.js layers models: weights, the layer vocabulary, shapes, dtypes and the cut. */
class TfjsModelFileTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "quantized: {0}")
  @ValueSource(booleans = {false, true})
  void readsFloat32AndUint8QuantizedWeights(boolean quantized) {
    TinyKerasModel model = TinyKerasModel.standard();
    TfjsModelFile file = TfjsModelFile.read(model.write(dir, quantized));
    Map<String, FloatTensor> weights = file.weights();
    assertEquals(model.values.keySet(), weights.keySet());
    for (var e : model.values.entrySet()) {
      assertArrayEquals(model.shapes.get(e.getKey()), weights.get(e.getKey()).shape());
      // exact: the file's bytes decode to min + scale * q in float32, as TF.js does
      assertArrayEquals(e.getValue(), weights.get(e.getKey()).values(), e.getKey());
    }
    assertEquals(ImageNormalization.ZERO_TO_ONE, file.normalization());
    assertEquals(64, file.weightsSha256().length());
  }

  @Test
  void quantizedValuesAreMinPlusScaleTimesTheByte() {
    TinyKerasModel model = TinyKerasModel.standard();
    Path json = model.write(dir, true);
    ObjectNode spec = (ObjectNode) TinyKerasModel.read(json).at("/weightsManifest/0/weights/0");
    double min = spec.at("/quantization/min").asDouble();
    double scale = spec.at("/quantization/scale").asDouble();
    float[] read = TfjsModelFile.read(json).weights().get(spec.get("name").asText()).values();
    for (float v : read) {
      double q = (v - min) / scale;
      assertEquals(Math.rint(q), q, 1e-3, "value " + v + " is not min + scale * byte");
    }
  }

  @Test
  void planFindsTheLastFeatureMapAndTheShapes() {
    NetworkPlan plan = TfjsModelFile.read(TinyKerasModel.standard().write(dir, false)).plan();
    assertEquals("add", plan.featureLayer());
    assertArrayEquals(new int[] {4, 3, 3}, plan.featureShape());
    assertEquals(List.of("input_1", "pad", "conv", "bn", "relu", "dw", "project", "add"),
        plan.backbone().stream().map(KerasLayer::name).toList());
    assertEquals(List.of("pool", "flatten", "dense_1", "dropout", "dense_2"),
        plan.head().stream().map(KerasLayer::name).toList());
    assertArrayEquals(new int[] {4, 6, 6}, plan.shapes().get("conv"));
    assertArrayEquals(new int[] {4, 2, 2}, plan.backboneShapesAt(8).get("add"));
  }

  @Test
  void tooSmallImagesNameTheLayerThatRunsOutOfPositions() {
    NetworkPlan plan = TfjsModelFile.read(TinyKerasModel.standard().write(dir, false)).plan();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plan.backboneShapesAt(1));
    assertTrue(e.getMessage().contains("images of 1 x 1 pixels are too small")
        && e.getMessage().contains("layer 'conv' (Conv2D)"), e.getMessage());
  }

  @Test
  void unknownLayerTypeIsNamedWithItsLayer() {
    TinyKerasModel model = TinyKerasModel.standard();
    model.layer("sep", "SeparableConv2D", "{\"filters\": 2, \"kernel_size\": 3}", "add");
    Path json = model.write(dir, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TfjsModelFile.read(json));
    assertTrue(e.getMessage().contains("layer 'sep' (SeparableConv2D) is not a layer type"),
        e.getMessage());
    assertTrue(e.getMessage().contains("DepthwiseConv2D"), "lists what is supported");
  }

  @Test
  void weightShapeMismatchNamesTheTensorAndBothShapes() {
    TinyKerasModel model = TinyKerasModel.standard();
    model.values.remove("project/kernel");
    model.weight("project/kernel", 1, 1, 5, 4);
    model.values.put("project/bias", model.values.remove("project/bias"));
    Path json = model.write(dir, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TfjsModelFile.read(json));
    assertTrue(e.getMessage().contains("weight 'project/kernel' has shape [1, 1, 5, 4]")
        && e.getMessage().contains("layer 'project' (Conv2D) needs [1, 1, 4, 4]"),
        e.getMessage());
  }

  @Test
  void missingAndSurplusTensorsAreNamed() {
    TinyKerasModel missing = TinyKerasModel.standard();
    missing.values.remove("dw/bias");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TfjsModelFile.read(missing.write(dir.resolve("a"), false)));
    assertTrue(e.getMessage().contains("no tensor 'dw/bias'"), e.getMessage());
    TinyKerasModel surplus = TinyKerasModel.standard();
    surplus.weight("bn/gamma", 4);
    e = assertThrows(IllegalArgumentException.class,
        () -> TfjsModelFile.read(surplus.write(dir.resolve("b"), false)));
    assertTrue(e.getMessage().contains("'bn/gamma', which no layer of the model uses"),
        e.getMessage());
  }

  @Test
  void unsupportedDtypesAreNamed() {
    Path json = TinyKerasModel.standard().write(dir, true);
    ObjectNode root = TinyKerasModel.read(json);
    ((ObjectNode) root.at("/weightsManifest/0/weights/1/quantization")).put("dtype", "float16");
    TinyKerasModel.rewrite(json, root);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TfjsModelFile.read(json));
    assertTrue(e.getMessage().contains("weight 'bn/beta'")
        && e.getMessage().contains("quantized as 'float16'"), e.getMessage());
    ((ObjectNode) root.at("/weightsManifest/0/weights/1")).put("dtype", "int32")
        .remove("quantization");
    TinyKerasModel.rewrite(json, root);
    e = assertThrows(IllegalArgumentException.class, () -> TfjsModelFile.read(json));
    assertTrue(e.getMessage().contains("weight 'bn/beta' has dtype 'int32'"), e.getMessage());
  }

  @Test
  void unsupportedOptionsAreNamedWithTheirLayer() {
    TinyKerasModel model = TinyKerasModel.standard();
    ((ObjectNode) model.layers.get(5).get("config")).put("depth_multiplier", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TfjsModelFile.read(model.write(dir, false)));
    assertTrue(e.getMessage().contains("layer 'dw' (DepthwiseConv2D) has depth_multiplier 2"),
        e.getMessage());
  }

  @Test
  void sequentialModelsAreChains() throws java.io.IOException {
    ObjectNode root = TinyKerasModel.JSON.createObjectNode();
    ObjectNode topology = root.putObject("modelTopology").put("class_name", "Sequential");
    var layers = topology.putObject("config").put("name", "seq").putArray("layers");
    layers.addObject().put("class_name", "Conv2D").putObject("config").put("name", "c")
        .put("filters", 2).put("use_bias", false).put("kernel_size", 1)
        .putArray("batch_input_shape").addNull().add(5).add(5).add(3);
    layers.addObject().put("class_name", "GlobalAveragePooling2D").putObject("config")
        .put("name", "gap");
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add("w.bin");
    group.putArray("weights").addObject().put("name", "c/kernel").put("dtype", "float32")
        .putArray("shape").add(1).add(1).add(3).add(2);
    Path json = dir.resolve("model.json");
    TinyKerasModel.rewrite(json, root);
    java.nio.file.Files.write(dir.resolve("w.bin"), new byte[24]);
    NetworkPlan plan = TfjsModelFile.read(json).plan();
    assertEquals("c", plan.featureLayer());
    assertEquals(List.of("c_input", "c"), plan.backbone().stream().map(KerasLayer::name)
        .toList());
    assertEquals(6, TfjsModelFile.read(json).weights().get("c/kernel").numel());
  }
}
