package org.slicelab.ablations.backbone.vision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes small Keras functional models in TF.js layers format for loader tests: layers added in
 * order with their inbound layers, weights as float32 or uint8-quantized tensors. Public for
 * the method tests' tiny CNN ({@code testing.TinyCnn}).
 */
public final class TinyKerasModel {
  static final ObjectMapper JSON = new ObjectMapper();

  final ArrayNode layers = JSON.createArrayNode();
  final Map<String, float[]> values = new LinkedHashMap<>();
  final Map<String, long[]> shapes = new LinkedHashMap<>();
  private final Random random = new Random(7);
  String output;

  /** The model every loader test starts from: all layer kinds except Concatenate and MaxPool. */
  public static TinyKerasModel standard() {
    TinyKerasModel m = new TinyKerasModel();
    m.layer("input_1", "InputLayer", "{\"batch_input_shape\": [null, 12, 12, 3]}");
    m.layer("pad", "ZeroPadding2D", "{\"padding\": [[0, 1], [0, 1]]}", "input_1");
    m.layer("conv", "Conv2D", "{\"filters\": 4, \"kernel_size\": [3, 3], \"strides\": [2, 2], "
        + "\"padding\": \"valid\", \"use_bias\": false, \"activation\": \"linear\"}", "pad");
    m.weight("conv/kernel", 3, 3, 3, 4);
    m.layer("bn", "BatchNormalization", "{\"axis\": -1, \"epsilon\": 0.001, \"center\": true, "
        + "\"scale\": false}", "conv");
    m.weight("bn/beta", 4);
    m.positive("bn/moving_mean", 4);
    m.positive("bn/moving_variance", 4);
    m.layer("relu", "ReLU", "{\"max_value\": 6}", "bn");
    m.layer("dw", "DepthwiseConv2D", "{\"kernel_size\": [3, 3], \"strides\": [2, 2], "
        + "\"padding\": \"same\", \"depth_multiplier\": 1, \"use_bias\": true}", "relu");
    m.weight("dw/depthwise_kernel", 3, 3, 4, 1);
    m.weight("dw/bias", 4);
    m.layer("project", "Conv2D", "{\"filters\": 4, \"kernel_size\": 1, \"activation\": "
        + "\"relu\"}", "dw");
    m.weight("project/kernel", 1, 1, 4, 4);
    m.weight("project/bias", 4);
    m.layer("add", "Add", "{}", "dw", "project");
    m.layer("pool", "AveragePooling2D", "{\"pool_size\": [3, 3], \"padding\": \"valid\"}", "add");
    m.layer("flatten", "Flatten", "{}", "pool");
    m.layer("dense_1", "Dense", "{\"units\": 5, \"activation\": \"relu\"}", "flatten");
    m.weight("dense_1/kernel", 4, 5);
    m.weight("dense_1/bias", 5);
    m.layer("dropout", "Dropout", "{\"rate\": 0.5}", "dense_1");
    m.layer("dense_2", "Dense", "{\"units\": 3, \"activation\": \"softmax\"}", "dropout");
    m.weight("dense_2/kernel", 5, 3);
    m.weight("dense_2/bias", 3);
    return m;
  }

  /** Adds a layer fed by {@code inputs}; the last one added is the output. */
  public TinyKerasModel layer(String name, String type, String config, String... inputs) {
    ObjectNode layer = layers.addObject();
    layer.put("name", name);
    layer.put("class_name", type);
    try {
      ObjectNode c = (ObjectNode) JSON.readTree(config);
      c.put("name", name);
      layer.set("config", c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ArrayNode inbound = layer.putArray("inbound_nodes");
    if (inputs.length > 0) {
      ArrayNode node = inbound.addArray();
      for (String in : inputs) {
        node.addArray().add(in).add(0).add(0).addObject();
      }
    }
    output = name;
    return this;
  }

  /** A Gaussian weight tensor. */
  public void weight(String name, long... shape) {
    float[] v = new float[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * 0.5);
    }
    values.put(name, v);
    shapes.put(name, shape);
  }

  /** A positive weight tensor (running variances). */
  public void positive(String name, long... shape) {
    weight(name, shape);
    float[] v = values.get(name);
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.5f + Math.abs(v[i]);
    }
  }

  /**
   * Writes {@code model.json} and one shard into {@code dir}; with {@code quantize} each tensor is
   * stored as uint8 with its own min and scale, and {@link #values} become the dequantized ones.
   */
  public Path write(Path dir, boolean quantize) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode config = root.putObject("modelTopology").putObject("model_config")
        .put("class_name", "Model").putObject("config");
    config.put("name", "tiny");
    config.set("layers", layers);
    config.putArray("input_layers").addArray().add(layers.get(0).get("name").asText()).add(0)
        .add(0);
    config.putArray("output_layers").addArray().add(output).add(0).add(0);
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add("group1-shard1of1.bin");
    ArrayNode specs = group.putArray("weights");
    List<byte[]> chunks = new ArrayList<>();
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      ObjectNode spec = specs.addObject();
      spec.put("name", e.getKey());
      ArrayNode shape = spec.putArray("shape");
      for (long d : shapes.get(e.getKey())) {
        shape.add(d);
      }
      spec.put("dtype", "float32");
      float[] v = e.getValue();
      if (quantize) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float f : v) {
          min = Math.min(min, f);
          max = Math.max(max, f);
        }
        double scale = (max - min) / 255.0;
        spec.putObject("quantization").put("min", (double) min).put("scale", scale)
            .put("dtype", "uint8");
        byte[] bytes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          int q = (int) Math.round((v[i] - min) / scale);
          bytes[i] = (byte) q;
          v[i] = (float) (q * scale + min);
        }
        chunks.add(bytes);
      } else {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          b.putFloat(f);
        }
        chunks.add(b.array());
      }
    }
    try {
      Files.createDirectories(dir);
      try (var out = Files.newOutputStream(dir.resolve("group1-shard1of1.bin"))) {
        for (byte[] c : chunks) {
          out.write(c);
        }
      }
      Path json = dir.resolve("model.json");
      JSON.writeValue(json.toFile(), root);
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The written {@code model.json} as a tree, for edits. */
  static ObjectNode read(Path json) {
    try {
      return (ObjectNode) JSON.readTree(json.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void rewrite(Path json, ObjectNode root) {
    try {
      JSON.writeValue(json.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
