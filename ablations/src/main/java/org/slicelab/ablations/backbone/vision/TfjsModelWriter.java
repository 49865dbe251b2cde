package org.slicelab.ablations.backbone.vision;

import org.slicelab.ablations.data.image.ImageNormalization;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.model.Classifier;

/**
 * Writes a trained, merged {@link ImageClassifier} in TensorFlow.js layers format, so that it
 * loads again as a backbone ({@code --backbone dir/model.json}) and in TF.js itself:
 * {@code model.json} with the backbone's layers as read, then a {@code GlobalAveragePooling2D}
 * named {@value #POOL} and the new head as a {@code Dense} named {@value Classifier#HEAD}
 * (linear: it outputs logits), and one float32 shard {@value #SHARD} with every weight in Keras
 * layout (batch-norm running statistics included). The pixel normalisation, class names and
 * provenance go to {@code userDefinedMetadata.slicelab}.
 */
public final class TfjsModelWriter {
  /** The pooling layer the export adds. */
  public static final String POOL = "slicelab_global_pool";
  /** The weight shard's file name. */
  public static final String SHARD = "group1-shard1of1.bin";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TfjsModelWriter() {
  }

  /** Writes {@code model} into {@code dir} (created); returns the bytes written. */
  public static long write(ImageClassifier model, Path dir, ImageNormalization normalization,
      List<String> labelNames, Map<String, String> metadata) {
    NetworkPlan plan = model.network().plan();
    for (var layer : model.weightLayers()) {
      requireMerged(layer.name(), layer.adapters().isEmpty());
    }
    requireMerged(Classifier.HEAD, model.head().adapters().isEmpty());
    for (KerasLayer layer : plan.backbone()) {
      if (layer.name().equals(POOL) || layer.name().equals(Classifier.HEAD)) {
        throw layer.invalid("has a name the export needs for its own layers");
      }
    }
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (KerasLayer layer : plan.backbone()) {
      for (String name : plan.weightShapes(layer).keySet()) {
        NDArray a = model.network().arrays().get(name);
        weights.put(name, KerasLayouts.toKeras(name, host(a)));
      }
    }
    weights.put(Classifier.HEAD + "/kernel", host(model.head().weight()).transpose());
    weights.put(Classifier.HEAD + "/bias", host(model.head().bias()));

    ObjectNode root = JSON.createObjectNode();
    root.put("format", "layers-model");
    root.put("generatedBy", "SliceLab");
    root.set("modelTopology", topology(plan, model.head().outFeatures()));
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add(SHARD);
    ArrayNode specs = group.putArray("weights");
    long count = 0;
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      ObjectNode spec = specs.addObject();
      spec.put("name", e.getKey());
      ArrayNode shape = spec.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      spec.put("dtype", "float32");
      count += e.getValue().numel();
    }
    ObjectNode slicelab = root.putObject("userDefinedMetadata").putObject("slicelab");
    slicelab.set("imageNormalization", NormalizationJson.write(normalization));
    labelNames.forEach(slicelab.putArray("labels")::add);
    ObjectNode provenance = slicelab.putObject("provenance");
    metadata.forEach(provenance::put);

    try {
      Files.createDirectories(dir);
      ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(count * 4))
          .order(ByteOrder.LITTLE_ENDIAN);
      for (FloatTensor t : weights.values()) {
        for (float v : t.values()) {
          out.putFloat(v);
        }
      }
      Files.write(dir.resolve(SHARD), out.array());
      byte[] json = JSON.writeValueAsBytes(root);
      Files.write(dir.resolve("model.json"), json);
      return out.capacity() + (long) json.length;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + dir, e);
    }
  }

  private static void requireMerged(String layer, boolean merged) {
    if (!merged) {
      throw new IllegalStateException("layer '" + layer + "' still has adapters: merge them "
          + "before exporting");
    }
  }

  private static FloatTensor host(NDArray a) {
    return new FloatTensor(a.getShape().getShape(), a.toFloatArray());
  }

  /** The backbone's layers, the global pool and the Dense head, as a Keras functional model. */
  private static ObjectNode topology(NetworkPlan plan, int classes) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode layers = f.arrayNode();
    for (KerasLayer layer : plan.backbone()) {
      ObjectNode config = layer.config().deepCopy();
      config.put("name", layer.name());
      layers.add(layerJson(layer.name(), layer.type(), config, layer.inputs()));
    }
    ObjectNode pool = f.objectNode();
    pool.put("name", POOL);
    pool.put("data_format", "channels_last");
    layers.add(layerJson(POOL, "GlobalAveragePooling2D", pool, List.of(plan.featureLayer())));
    ObjectNode dense = f.objectNode();
    dense.put("name", Classifier.HEAD);
    dense.put("units", classes);
    dense.put("activation", "linear");
    dense.put("use_bias", true);
    layers.add(layerJson(Classifier.HEAD, "Dense", dense, List.of(POOL)));

    ObjectNode config = f.objectNode();
    config.put("name", plan.topology().name());
    config.set("layers", layers);
    config.putArray("input_layers").addArray().add(plan.topology().input()).add(0).add(0);
    config.putArray("output_layers").addArray().add(Classifier.HEAD).add(0).add(0);
    ObjectNode model = f.objectNode();
    model.put("class_name", "Model");
    model.set("config", config);
    ObjectNode topology = f.objectNode();
    topology.put("keras_version", "2.2.4");
    topology.put("backend", "tensorflow");
    topology.set("model_config", model);
    return topology;
  }

  private static ObjectNode layerJson(String name, String type, ObjectNode config,
      List<String> inputs) {
    ObjectNode layer = JsonNodeFactory.instance.objectNode();
    layer.put("name", name);
    layer.put("class_name", type);
    layer.set("config", config);
    ArrayNode inbound = layer.putArray("inbound_nodes");
    if (!inputs.isEmpty()) {
      ArrayNode node = inbound.addArray();
      for (String in : inputs) {
        node.addArray().add(in).add(0).add(0).addObject();
      }
    }
    return layer;
  }
}
