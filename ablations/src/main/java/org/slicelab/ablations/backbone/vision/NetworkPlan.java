package org.slicelab.ablations.backbone.vision;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checked {@link KerasTopology}: every layer's output shape at the model's own input size,
 * the Keras weight tensors each layer needs, and where the backbone ends.
 *
 * <p>Shapes are per example, channels first: {@code {C, H, W}} for feature maps, {@code {F}}
 * for vectors. The own input size is the input layer's {@code batch_input_shape}; a model that
 * leaves it open ({@code null}) is planned at {@value #DEFAULT_SIZE} x {@value #DEFAULT_SIZE}.
 *
 * <p><b>The cut.</b> The backbone ends at the network's last feature map: walking back from the
 * output, every layer that takes a vector (Dense, Dropout, Activation on [B, F]) or reduces a
 * feature map towards one (Flatten, Dropout, AveragePooling2D, MaxPooling2D,
 * GlobalAveragePooling2D) belongs to the classification head; the first other layer's output is
 * the feature map. For the nsfwjs models that drops AveragePooling2D, Flatten, Dense and Dropout
 * (MobileNetV2: the map is {@code out_relu}, 7 x 7 x 1280 at 224 px; InceptionV3: {@code mixed10},
 * 8 x 8 x 2048 at 299 px). The backbone is that layer and everything it depends on; the head is
 * every other layer. The classifier pools the map with a global average, which equals the
 * dropped 7 x 7 average pool at 224 px and works at any input size.
 *
 * @param topology the layer graph
 * @param height the own input height
 * @param width the own input width
 * @param channels input channels
 * @param shapes every layer's output shape at the own input size
 * @param featureLayer the layer whose output is the last feature map
 * @param backbone the backbone's layers, in order
 * @param head the dropped head's layers, in order
 */
public record NetworkPlan(KerasTopology topology, int height, int width, int channels,
    Map<String, int[]> shapes, String featureLayer, List<KerasLayer> backbone,
    List<KerasLayer> head) {

  /** Input size assumed when the model leaves it open. */
  public static final int DEFAULT_SIZE = 224;

  private static final Set<String> REDUCERS = Set.of("Flatten", "Dropout", "AveragePooling2D",
      "MaxPooling2D", "GlobalAveragePooling2D");

  /** Checks every layer's options and shapes at the own input size and finds the cut. */
  public static NetworkPlan of(KerasTopology topology) {
    KerasLayer input = topology.layer(topology.input());
    if (!input.type().equals("InputLayer")) {
      throw input.invalid("is the model input but not an InputLayer");
    }
    JsonNode shape = input.config().path("batch_input_shape");
    if (!shape.isArray() || shape.size() != 4 || !shape.get(3).isInt()) {
      throw input.invalid("has batch_input_shape " + shape
          + ": expected [null, height, width, channels] (channels-last images)");
    }
    int height = shape.get(1).isInt() ? shape.get(1).asInt() : DEFAULT_SIZE;
    int width = shape.get(2).isInt() ? shape.get(2).asInt() : DEFAULT_SIZE;
    int channels = shape.get(3).asInt();
    Map<String, int[]> shapes = infer(topology, channels, height, width, topology.layers());
    String feature = featureLayer(topology, shapes);
    Set<String> needed = ancestors(topology, feature);
    List<KerasLayer> backbone = topology.layers().stream()
        .filter(l -> needed.contains(l.name())).toList();
    List<KerasLayer> head = topology.layers().stream()
        .filter(l -> !needed.contains(l.name())).toList();
    return new NetworkPlan(topology, height, width, channels, shapes, feature, backbone, head);
  }

  /** The feature map's shape {C, H, W} at the own input size. */
  public int[] featureShape() {
    return shapes.get(featureLayer);
  }

  /** Channels of the pooled features. */
  public int featureChannels() {
    return featureShape()[0];
  }

  /**
   * The backbone's output shapes for square images of {@code size} pixels; throws naming the
   * first layer whose output would be empty (an image too small for the network's strides).
   */
  public Map<String, int[]> backboneShapesAt(int size) {
    try {
      return infer(topology, channels, size, size, backbone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("images of " + size + " x " + size
          + " pixels are too small for model '" + topology.name() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Every Keras weight tensor the model needs, by name ({@code layer/kernel}, ...), with its
   * Keras shape, in layer order: kernels [kh, kw, in, out], depthwise kernels
   * [kh, kw, in, 1], Dense kernels [in, out], biases and batch-norm vectors [units].
   */
  public Map<String, long[]> weightShapes() {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (KerasLayer layer : topology.layers()) {
      out.putAll(weightShapes(layer));
    }
    return out;
  }

  /** The Keras weight tensors of one layer, by name, with their shapes. */
  public Map<String, long[]> weightShapes(KerasLayer layer) {
    Map<String, long[]> out = new LinkedHashMap<>();
    String n = layer.name() + "/";
    switch (layer.type()) {
      case "Conv2D", "DepthwiseConv2D" -> {
        ConvSpec conv = ConvSpec.of(layer);
        long in = shapes.get(layer.input())[0];
        long units = conv.depthwise() ? in : conv.filters();
        out.put(n + (conv.depthwise() ? "depthwise_kernel" : "kernel"), new long[] {
            conv.kernel()[0], conv.kernel()[1], in, conv.depthwise() ? 1 : units});
        if (conv.useBias()) {
          out.put(n + "bias", new long[] {units});
        }
      }
      case "BatchNormalization" -> {
        long[] c = {shapes.get(layer.input())[0]};
        if (layer.bool("scale", true)) {
          out.put(n + "gamma", c);
        }
        if (layer.bool("center", true)) {
          out.put(n + "beta", c);
        }
        out.put(n + "moving_mean", c);
        out.put(n + "moving_variance", c);
      }
      case "Dense" -> {
        long units = layer.positiveInt("units");
        out.put(n + "kernel", new long[] {shapes.get(layer.input())[0], units});
        if (layer.bool("use_bias", true)) {
          out.put(n + "bias", new long[] {units});
        }
      }
      default -> {
        // no weights
      }
    }
    return out;
  }

  private static Map<String, int[]> infer(KerasTopology topology, int channels, int height,
      int width, List<KerasLayer> layers) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    for (KerasLayer layer : layers) {
      int[] out = layer.type().equals("InputLayer") ? new int[] {channels, height, width}
          : outputShape(layer, layer.inputs().stream().map(shapes::get).toList());
      for (int d : out) {
        if (d < 1) {
          throw layer.invalid("would output shape " + Arrays.toString(out)
              + " (channels, height, width)" + (layer.inputs().isEmpty() ? ""
              : " from input " + Arrays.toString(shapes.get(layer.inputs().get(0)))));
        }
      }
      shapes.put(layer.name(), out);
    }
    return shapes;
  }

  private static int[] outputShape(KerasLayer layer, List<int[]> in) {
    int[] x = in.get(0);
    switch (layer.type()) {
      case "ZeroPadding2D" -> {
        Padding2d p = zeroPadding(layer);
        return new int[] {map(layer, x)[0], x[1] + p.top() + p.bottom(), x[2] + p.left()
            + p.right()};
      }
      case "Conv2D", "DepthwiseConv2D" -> {
        ConvSpec conv = ConvSpec.of(layer);
        map(layer, x);
        return new int[] {conv.depthwise() ? x[0] : conv.filters(), conv.outSize(x[1], 0),
            conv.outSize(x[2], 1)};
      }
      case "AveragePooling2D", "MaxPooling2D" -> {
        PoolSpec pool = PoolSpec.of(layer);
        map(layer, x);
        return new int[] {x[0], pool.outSize(x[1], 0), pool.outSize(x[2], 1)};
      }
      case "BatchNormalization" -> {
        int axis = (int) layer.number("axis", -1);
        if (axis != -1 && axis != x.length) {
          throw layer.invalid("normalises axis " + axis + ": only the channel axis (-1) is "
              + "supported");
        }
        return x;
      }
      case "ReLU" -> {
        if (layer.number("negative_slope", 0) != 0 || layer.number("threshold", 0) != 0) {
          throw layer.invalid("has a negative_slope or threshold: only 0 is supported");
        }
        return x;
      }
      case "Activation" -> {
        Activations.check(layer.string("activation", "linear"), layer);
        return x;
      }
      case "Dropout" -> {
        return x;
      }
      case "Add" -> {
        for (int[] other : in) {
          if (!Arrays.equals(other, x)) {
            throw layer.invalid("adds shapes " + in.stream().map(Arrays::toString).toList());
          }
        }
        return x;
      }
      case "Concatenate" -> {
        return concatenated(layer, in);
      }
      case "GlobalAveragePooling2D" -> {
        map(layer, x);
        return layer.bool("keepdims", false) ? new int[] {x[0], 1, 1} : new int[] {x[0]};
      }
      case "Flatten" -> {
        return new int[] {Arrays.stream(x).reduce(1, (a, b) -> a * b)};
      }
      case "Dense" -> {
        if (x.length != 1) {
          throw layer.invalid("takes a " + (x.length + 1) + "-D tensor: only [batch, features] "
              + "inputs are supported (Flatten or pool first)");
        }
        Activations.check(layer.string("activation", "linear"), layer);
        return new int[] {layer.positiveInt("units")};
      }
      default -> throw layer.invalid("is not supported");
    }
  }

  /** Requires a feature map input {C, H, W}. */
  private static int[] map(KerasLayer layer, int[] x) {
    if (x.length != 3) {
      throw layer.invalid("takes a " + (x.length + 1) + "-D tensor: it needs a feature map "
          + "[batch, height, width, channels]");
    }
    return x;
  }

  private static int[] concatenated(KerasLayer layer, List<int[]> in) {
    int rank = in.get(0).length;
    int axis = (int) layer.number("axis", -1);
    int keras = axis < 0 ? axis + rank + 1 : axis;
    if (keras < 1 || keras > rank) {
      throw layer.invalid("concatenates along axis " + axis + " of a " + (rank + 1)
          + "-D tensor");
    }
    int ours = channelsFirstAxis(keras, rank + 1) - 1;
    int[] out = in.get(0).clone();
    out[ours] = 0;
    for (int[] x : in) {
      for (int d = 0; d < rank; d++) {
        if (x.length != rank || (d != ours && x[d] != out[d])) {
          throw layer.invalid("concatenates shapes " + in.stream().map(Arrays::toString)
              .toList() + " along axis " + axis);
        }
      }
      out[ours] += x[ours];
    }
    return out;
  }

  /**
   * The channels-first axis of a channels-last Keras axis {@code keras} (non-negative) of a
   * tensor of {@code rank} dimensions batch included: for 4-D, 3 -> 1, 1 -> 2, 2 -> 3.
   */
  static int channelsFirstAxis(int keras, int rank) {
    if (rank != 4 || keras == 0) {
      return keras;
    }
    return keras == 3 ? 1 : keras + 1;
  }

  /** A ZeroPadding2D layer's padding: n, [h, w] or [[top, bottom], [left, right]]. */
  static Padding2d zeroPadding(KerasLayer layer) {
    layer.requireChannelsLast();
    JsonNode p = layer.config().path("padding");
    if (p.isInt()) {
      return new Padding2d(p.asInt(), p.asInt(), p.asInt(), p.asInt());
    }
    if (p.isArray() && p.size() == 2 && p.get(0).isInt() && p.get(1).isInt()) {
      return new Padding2d(p.get(0).asInt(), p.get(0).asInt(), p.get(1).asInt(),
          p.get(1).asInt());
    }
    if (p.isArray() && p.size() == 2 && p.get(0).size() == 2 && p.get(1).size() == 2) {
      return new Padding2d(p.get(0).get(0).asInt(), p.get(0).get(1).asInt(),
          p.get(1).get(0).asInt(), p.get(1).get(1).asInt());
    }
    throw layer.invalid("has padding " + p + ": expected n, [h, w] or [[top, bottom], "
        + "[left, right]]");
  }

  private static String featureLayer(KerasTopology topology, Map<String, int[]> shapes) {
    KerasLayer layer = topology.layer(topology.output());
    while (layer.inputs().size() == 1) {
      int[] in = shapes.get(layer.input());
      if (in.length == 3 && !REDUCERS.contains(layer.type())) {
        break;
      }
      layer = topology.layer(layer.input());
    }
    if (shapes.get(layer.name()).length != 3) {
      throw layer.invalid("ends the backbone but outputs " + Arrays.toString(shapes.get(
          layer.name())) + ": no feature map [height, width, channels] found before the head");
    }
    return layer.name();
  }

  private static Set<String> ancestors(KerasTopology topology, String layerName) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(layerName));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (seen.add(next)) {
        todo.addAll(topology.layer(next).inputs());
      }
    }
    return seen;
  }
}
