package org.slicelab.ablations.backbone.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One layer of a Keras functional model: its name, class name ({@code Conv2D}, ...), its
 * {@code config} object as written in {@code model.json}, and the names of the layers whose
 * outputs it takes, in order. Accessors read config fields with Keras' defaults and name the
 * layer in every error.
 *
 * @param name the layer name (unique in the model)
 * @param type the Keras class name
 * @param config the layer's {@code config} JSON object
 * @param inputs names of the layers feeding it (empty for the input layer)
 */
public record KerasLayer(String name, String type, ObjectNode config, List<String> inputs) {

  /** Copies the input list. */
  public KerasLayer {
    inputs = List.copyOf(inputs);
  }

  /** The single input's layer name (an error for layers with several). */
  public String input() {
    if (inputs.size() != 1) {
      throw invalid("takes " + inputs.size() + " inputs, expected 1");
    }
    return inputs.get(0);
  }

  /** A string field, or {@code fallback} when absent or null. */
  public String string(String field, String fallback) {
    JsonNode node = config.get(field);
    return node == null || node.isNull() ? fallback : node.asText();
  }

  /** A boolean field, or {@code fallback} when absent or null. */
  public boolean bool(String field, boolean fallback) {
    JsonNode node = config.get(field);
    return node == null || node.isNull() ? fallback : node.asBoolean();
  }

  /** A number field, or {@code fallback} when absent or null. */
  public double number(String field, double fallback) {
    JsonNode node = config.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isNumber()) {
      throw invalid("has " + field + " = " + node + ", expected a number");
    }
    return node.asDouble();
  }

  /** A positive integer field (an error when absent). */
  public int positiveInt(String field) {
    double value = number(field, Double.NaN);
    if (!(value >= 1) || value != Math.rint(value)) {
      throw invalid("has " + field + " = " + config.get(field) + ", expected a positive integer");
    }
    return (int) value;
  }

  /**
   * A pair of integers (height, width) written as one number or a list of two; {@code fallback}
   * when absent or null.
   */
  public int[] pair(String field, int[] fallback) {
    JsonNode node = config.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (node.isInt()) {
      return new int[] {node.asInt(), node.asInt()};
    }
    if (node.isArray() && node.size() == 2 && node.get(0).isInt() && node.get(1).isInt()) {
      return new int[] {node.get(0).asInt(), node.get(1).asInt()};
    }
    throw invalid("has " + field + " = " + node + ", expected an integer or two");
  }

  /** An error about this layer: "layer 'name' (Type) {what}". */
  public IllegalArgumentException invalid(String what) {
    return new IllegalArgumentException("layer '" + name + "' (" + type + ") " + what);
  }

  /** Refuses channels-first data (SliceLab reads channels-last Keras models). */
  public void requireChannelsLast() {
    String format = string("data_format", "channels_last");
    if (!format.equals("channels_last")) {
      throw invalid("has data_format '" + format + "': only channels_last is supported");
    }
  }
}
