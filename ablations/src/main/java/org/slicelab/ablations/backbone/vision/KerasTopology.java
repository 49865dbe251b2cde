package org.slicelab.ablations.backbone.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layer graph of a Keras model as TF.js writes it in {@code model.json}'s
 * {@code modelTopology}: a functional {@code Model} / {@code Functional} (layers with
 * Keras 2 {@code inbound_nodes}) or a {@code Sequential} model (a chain), with one input and one
 * output. Layers are kept in an order where every layer follows its inputs.
 *
 * <p>Only the layer types in {@link #VOCABULARY} are accepted; {@link #parse} names the first
 * other layer and its type before anything is computed.
 *
 * @param name the model's name (may be empty)
 * @param layers every layer, inputs before the layers that use them
 * @param input the input layer's name
 * @param output the output layer's name
 */
public record KerasTopology(String name, List<KerasLayer> layers, String input, String output) {

  /** The Keras layer types SliceLab can run. */
  public static final Set<String> VOCABULARY = Set.of("InputLayer", "ZeroPadding2D", "Conv2D",
      "DepthwiseConv2D", "BatchNormalization", "ReLU", "Activation", "Add", "Concatenate",
      "AveragePooling2D", "MaxPooling2D", "GlobalAveragePooling2D", "Flatten", "Dense", "Dropout");

  /** Copies the list. */
  public KerasTopology {
    layers = List.copyOf(layers);
  }

  /** The layer called {@code layerName}. */
  public KerasLayer layer(String layerName) {
    for (KerasLayer layer : layers) {
      if (layer.name().equals(layerName)) {
        return layer;
      }
    }
    throw new IllegalArgumentException("no layer '" + layerName + "' in model '" + name + "'");
  }

  /** Layers that take {@code layerName}'s output. */
  public List<KerasLayer> consumers(String layerName) {
    return layers.stream().filter(l -> l.inputs().contains(layerName)).toList();
  }

  /**
   * Parses {@code modelTopology} (the object itself, or one holding it under
   * {@code model_config} as Keras 2 exports do).
   *
   * @param where the file, for messages
   */
  public static KerasTopology parse(JsonNode modelTopology, String where) {
    JsonNode model = modelTopology.has("model_config") ? modelTopology.get("model_config")
        : modelTopology;
    String className = model.path("class_name").asText("");
    JsonNode config = model.path("config");
    try {
      KerasTopology topology = switch (className) {
        case "Model", "Functional" -> functional(config);
        case "Sequential" -> sequential(config);
        default -> throw new IllegalArgumentException("modelTopology has class_name '"
            + className + "': supported are Model, Functional and Sequential");
      };
      for (KerasLayer layer : topology.layers) {
        if (!VOCABULARY.contains(layer.type())) {
          throw layer.invalid("is not a layer type SliceLab can run; supported are "
              + VOCABULARY.stream().sorted().toList());
        }
      }
      return topology;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static KerasTopology functional(JsonNode config) {
    String modelName = config.path("name").asText("");
    List<KerasLayer> layers = new ArrayList<>();
    for (JsonNode layer : config.path("layers")) {
      String layerName = layer.path("name").asText(layer.path("config").path("name").asText());
      String type = layer.path("class_name").asText();
      layers.add(new KerasLayer(layerName, type, configOf(layer), inbound(layerName, type,
          layer.path("inbound_nodes"))));
    }
    String in = single(config.path("input_layers"), "input_layers");
    String out = single(config.path("output_layers"), "output_layers");
    return new KerasTopology(modelName, ordered(layers), in, out);
  }

  /** A Sequential model: each layer takes the previous one; the first may carry the input. */
  private static KerasTopology sequential(JsonNode config) {
    JsonNode list = config.isArray() ? config : config.path("layers");
    String modelName = config.isArray() ? "" : config.path("name").asText("");
    List<KerasLayer> layers = new ArrayList<>();
    String previous = null;
    for (JsonNode layer : list) {
      String type = layer.path("class_name").asText();
      ObjectNode layerConfig = configOf(layer);
      String layerName = layerConfig.path("name").asText();
      if (previous == null && !type.equals("InputLayer")) {
        JsonNode shape = layerConfig.get("batch_input_shape");
        if (shape == null) {
          throw new IllegalArgumentException("the first layer '" + layerName
              + "' of the Sequential model has no batch_input_shape");
        }
        ObjectNode inputConfig = JsonNodeFactory.instance.objectNode();
        inputConfig.set("batch_input_shape", shape);
        previous = layerName + "_input";
        layers.add(new KerasLayer(previous, "InputLayer", inputConfig, List.of()));
      }
      layers.add(new KerasLayer(layerName, type, layerConfig,
          previous == null ? List.of() : List.of(previous)));
      previous = layerName;
    }
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("the Sequential model has no layers");
    }
    return new KerasTopology(modelName, layers, layers.get(0).name(), previous);
  }

  private static ObjectNode configOf(JsonNode layer) {
    JsonNode config = layer.path("config");
    return config.isObject() ? (ObjectNode) config : JsonNodeFactory.instance.objectNode();
  }

  /** Keras 2 inbound nodes: [[["name", node index, tensor index, {kwargs}], ...]]. */
  private static List<String> inbound(String layerName, String type, JsonNode nodes) {
    if (nodes.isMissingNode() || nodes.isEmpty()) {
      return List.of();
    }
    String where = "layer '" + layerName + "' (" + type + ")";
    if (nodes.size() > 1) {
      throw new IllegalArgumentException(where + " is applied " + nodes.size()
          + " times: shared layers are not supported");
    }
    List<String> inputs = new ArrayList<>();
    for (JsonNode tensor : nodes.get(0)) {
      if (!tensor.isArray() || tensor.size() < 3 || !tensor.get(0).isTextual()) {
        throw new IllegalArgumentException(where + " has inbound_nodes " + nodes
            + ", not in the Keras 2 form [[[\"layer\", 0, 0, {}], ...]]");
      }
      if (tensor.get(1).asInt() != 0 || tensor.get(2).asInt() != 0) {
        throw new IllegalArgumentException(where + " takes output " + tensor
            + ": only the first output of a layer's only application is supported");
      }
      inputs.add(tensor.get(0).asText());
    }
    return inputs;
  }

  private static String single(JsonNode list, String field) {
    if (!list.isArray() || list.size() != 1 || !list.get(0).isArray()) {
      throw new IllegalArgumentException(field + " is " + list + ": exactly one is supported");
    }
    return list.get(0).get(0).asText();
  }

  /** The layers with every input before its consumers (Kahn's algorithm, stable). */
  private static List<KerasLayer> ordered(List<KerasLayer> layers) {
    Map<String, KerasLayer> byName = new LinkedHashMap<>();
    for (KerasLayer layer : layers) {
      if (byName.put(layer.name(), layer) != null) {
        throw new IllegalArgumentException("two layers are named '" + layer.name() + "'");
      }
    }
    Map<String, Integer> placed = new HashMap<>();
    List<KerasLayer> out = new ArrayList<>();
    while (out.size() < layers.size()) {
      boolean progress = false;
      for (KerasLayer layer : layers) {
        if (placed.containsKey(layer.name())) {
          continue;
        }
        boolean ready = true;
        for (String in : layer.inputs()) {
          if (!byName.containsKey(in)) {
            throw layer.invalid("takes the output of '" + in + "', which is not a layer");
          }
          ready &= placed.containsKey(in);
        }
        if (ready) {
          placed.put(layer.name(), out.size());
          out.add(layer);
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalArgumentException("the layers form a cycle");
      }
    }
    return out;
  }
}
