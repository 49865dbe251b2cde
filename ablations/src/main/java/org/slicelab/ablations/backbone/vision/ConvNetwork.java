package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slicelab.ablations.backbone.FloatTensor;

/**
 * A Keras functional image model run on PyTorch through DJL: a graph executor over the
 * {@link NetworkPlan}'s layers (each layer's inbound tensors, in topological order), NCHW
 * activations, weights in PyTorch layouts ({@link KerasLayouts}) under their Keras names.
 *
 * <p>{@link #featureMap} runs the backbone only (up to the plan's feature layer);
 * {@link #droppedHeadLogits} runs the whole original network, its final softmax left out.
 * Convolutions are {@link ConvLayer}s; batch norm runs in inference mode ({@link BatchNormOp}),
 * folded into the convolution before it while its gamma and beta are frozen. Activations are
 * NCHW-shaped and stored channels-last ({@link #channelsLast}).
 */
public final class ConvNetwork {
  private final NetworkPlan plan;
  private final List<Step> steps;
  private final int featureStep;
  private final int outputStep;
  private final List<ConvLayer> convLayers;
  private final Map<String, NDArray> arrays;
  private final Map<String, NDArray> parameters;

  /** One layer: its op, the step indices of its inputs, whether the backbone has it. */
  private record Step(KerasLayer layer, int[] inputs, GraphOp op, boolean backbone) {
  }

  private ConvNetwork(NetworkPlan plan, List<Step> steps, int featureStep, int outputStep,
      List<ConvLayer> convLayers, Map<String, NDArray> arrays, Map<String, NDArray> parameters) {
    this.plan = plan;
    this.steps = steps;
    this.featureStep = featureStep;
    this.outputStep = outputStep;
    this.convLayers = convLayers;
    this.arrays = arrays;
    this.parameters = parameters;
  }

  /**
   * Builds the network in {@code manager} from weights in PyTorch layout under Keras names
   * (every tensor of {@link NetworkPlan#weightShapes}, each checked against its shape).
   */
  public static ConvNetwork create(NDManager manager, NetworkPlan plan,
      Map<String, FloatTensor> weights) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : plan.weightShapes().entrySet()) {
      FloatTensor t = weights.get(e.getKey());
      long[] expected = torchShape(e.getKey(), e.getValue());
      if (t == null) {
        throw new IllegalArgumentException("no weight '" + e.getKey() + "' (shape "
            + Arrays.toString(expected) + ") for model '" + plan.topology().name() + "'");
      }
      if (!Arrays.equals(t.shape(), expected)) {
        throw new IllegalArgumentException("weight '" + e.getKey() + "' has shape "
            + Arrays.toString(t.shape()) + ", but the model needs " + Arrays.toString(expected)
            + " (PyTorch layout)");
      }
      arrays.put(e.getKey(), manager.create(t.values(), new Shape(t.shape())));
    }
    List<Step> steps = new ArrayList<>();
    List<ConvLayer> convs = new ArrayList<>();
    Map<String, NDArray> parameters = new LinkedHashMap<>();
    Map<String, Integer> index = new HashMap<>();
    Set<String> backbone = plan.backbone().stream().map(KerasLayer::name)
        .collect(Collectors.toSet());
    Map<String, KerasLayer> normAfter = normsAfterConvolutions(plan.topology());
    Set<String> foldedNorms = normAfter.values().stream().map(KerasLayer::name)
        .collect(Collectors.toSet());
    Map<String, Integer> readers = readers(plan.topology());
    Map<String, KerasLayer> padBefore = paddingsBeforeConvolutions(plan.topology(), readers);
    Set<String> foldedPaddings = padBefore.values().stream().map(KerasLayer::name)
        .collect(Collectors.toSet());
    for (KerasLayer layer : plan.topology().layers()) {
      boolean inBackbone = backbone.contains(layer.name());
      boolean output = layer.name().equals(plan.topology().output()) && !inBackbone;
      // an activation layer may overwrite its input when it is the input's only reader and
      // the input is a tensor the network computed (not the images)
      boolean ownsInput = layer.inputs().size() == 1 && readers.get(layer.input()) == 1
          && !plan.topology().layer(layer.input()).type().equals("InputLayer");
      KerasLayer pad = padBefore.get(layer.name());
      GraphOp op = foldedNorms.contains(layer.name()) || foldedPaddings.contains(layer.name())
          ? in -> in.get(0)
          : op(layer, arrays, output, inBackbone ? convs : new ArrayList<>(),
              normAfter.get(layer.name()), ownsInput,
              pad == null ? Padding2d.NONE : NetworkPlan.zeroPadding(pad));
      if (inBackbone) {
        for (String name : plan.weightShapes(layer).keySet()) {
          if (!name.endsWith("/moving_mean") && !name.endsWith("/moving_variance")) {
            parameters.put(name, arrays.get(name));
          }
        }
      }
      int[] inputs = layer.inputs().stream().mapToInt(index::get).toArray();
      index.put(layer.name(), steps.size());
      steps.add(new Step(layer, inputs, op, inBackbone));
    }
    return new ConvNetwork(plan, List.copyOf(steps), index.get(plan.featureLayer()),
        index.get(plan.topology().output()), List.copyOf(convs), Collections.unmodifiableMap(arrays),
        Collections.unmodifiableMap(parameters));
  }

  /** The PyTorch-layout shape of a Keras tensor of {@code kerasShape}. */
  static long[] torchShape(String name, long[] kerasShape) {
    return KerasLayouts.toTorch(name, new FloatTensor(kerasShape, new float[(int) Arrays.stream(
        kerasShape).reduce(1, (a, b) -> a * b)])).shape();
  }

  /** The plan this network runs. */
  public NetworkPlan plan() {
    return plan;
  }

  /** The backbone's convolutions (Conv2D and DepthwiseConv2D), in model order. */
  public List<ConvLayer> convLayers() {
    return convLayers;
  }

  /**
   * The backbone's trainable parameters by Keras name, in model order: kernels and biases of its
   * convolutions, gamma and beta of its batch norms (running statistics excluded).
   */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** Every array by Keras name (PyTorch layout): parameters, running statistics, dropped head. */
  public Map<String, NDArray> arrays() {
    return arrays;
  }

  /** The last feature map [B, C, h, w] of images [B, channels, H, W]. */
  public NDArray featureMap(NDArray images) {
    return run(images, featureStep, true);
  }

  /** The feature map averaged over its positions: [B, C]. */
  public NDArray pooledFeatures(NDArray images) {
    return globalAverage(featureMap(images), false);
  }

  /**
   * The mean of an NCHW map over its positions: [B, C], or [B, C, 1, 1] with {@code keep}
   * (DJL's PyTorch mean takes one axis at a time).
   */
  static NDArray globalAverage(NDArray x, boolean keep) {
    Shape s = x.getShape();
    NDArray mean = x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
    return keep ? mean.reshape(s.get(0), s.get(1), 1, 1) : mean;
  }

  /**
   * The original network's output before its final softmax (the logits of the head the
   * classifier drops); images must have the model's own input size when the head needs it.
   */
  public NDArray droppedHeadLogits(NDArray images) {
    return run(images, outputStep, false);
  }

  private NDArray run(NDArray images, int last, boolean backboneOnly) {
    NDArray[] outputs = new NDArray[last + 1];
    for (int i = 0; i <= last; i++) {
      Step step = steps.get(i);
      if (backboneOnly && !step.backbone()) {
        continue;
      }
      if (step.inputs().length == 0) {
        outputs[i] = channelsLast(images);
        continue;
      }
      List<NDArray> in = new ArrayList<>(step.inputs().length);
      for (int j : step.inputs()) {
        in.add(outputs[j]);
      }
      outputs[i] = step.op().apply(in);
    }
    return outputs[last];
  }

  /**
   * The same NCHW-shaped tensor in channels-last memory order (NHWC strides). Convolutions,
   * batch norm and element-wise ops keep that order, so every activation of the network has it:
   * oneDNN runs its direct convolution kernels on it instead of reordering NCHW data for every
   * convolution, forward and backward (docs/architecture.md, "The vision training step"). Values
   * are the same; only strides differ.
   */
  static NDArray channelsLast(NDArray x) {
    Shape s = x.getShape();
    // flattening the NHWC-permuted view copies it into NHWC order; the last transpose is a view
    return x.transpose(0, 2, 3, 1).reshape(-1).reshape(s.get(0), s.get(2), s.get(3), s.get(1))
        .transpose(0, 3, 1, 2);
  }

  /**
   * The batch norms that directly follow a convolution, by the convolution's name: the norm
   * reads only the convolution's output, nothing else reads it, and the convolution has no
   * activation of its own. Such a pair runs as one step (see {@link #op}).
   */
  private static Map<String, KerasLayer> normsAfterConvolutions(KerasTopology topology) {
    Map<String, Integer> readers = readers(topology);
    Map<String, KerasLayer> out = new HashMap<>();
    for (KerasLayer layer : topology.layers()) {
      if (!layer.type().equals("BatchNormalization") || layer.inputs().size() != 1) {
        continue;
      }
      KerasLayer conv = topology.layer(layer.input());
      if ((conv.type().equals("Conv2D") || conv.type().equals("DepthwiseConv2D"))
          && readers.get(conv.name()) == 1 && ConvSpec.of(conv).activation().equals("linear")) {
        out.put(conv.name(), layer);
      }
    }
    return out;
  }

  /**
   * The ZeroPadding2D layers that directly precede a {@code 'valid'} convolution, by the
   * convolution's name: the convolution is the padding's only reader. The convolution pads
   * inside ({@link ConvLayer#ConvLayer(ConvSpec, NDArray, NDArray, Padding2d)}), the padding
   * layer passes its input through.
   */
  private static Map<String, KerasLayer> paddingsBeforeConvolutions(KerasTopology topology,
      Map<String, Integer> readers) {
    Map<String, KerasLayer> out = new HashMap<>();
    for (KerasLayer layer : topology.layers()) {
      if ((layer.type().equals("Conv2D") || layer.type().equals("DepthwiseConv2D"))
          && layer.inputs().size() == 1 && !ConvSpec.of(layer).same()) {
        KerasLayer pad = topology.layer(layer.input());
        if (pad.type().equals("ZeroPadding2D") && readers.get(pad.name()) == 1) {
          out.put(layer.name(), pad);
        }
      }
    }
    return out;
  }

  /** How many layers read each layer's output, by layer name (absent: none). */
  private static Map<String, Integer> readers(KerasTopology topology) {
    Map<String, Integer> readers = new HashMap<>();
    for (KerasLayer layer : topology.layers()) {
      layer.inputs().forEach(in -> readers.merge(in, 1, Integer::sum));
    }
    return readers;
  }

  /**
   * A layer's op; {@code norm} is the batch norm that follows a convolution directly (null when
   * none does): the pair runs as one step, the norm folded into the kernel while its gamma and
   * beta are frozen ({@link ConvLayer#forwardScaled}), else as the norm after the convolution.
   * {@code ownsInput}: nothing else reads the layer's input, so an activation may overwrite it.
   * {@code inputPadding}: the zero padding a convolution applies to its input first.
   */
  private static GraphOp op(KerasLayer layer, Map<String, NDArray> arrays, boolean output,
      List<ConvLayer> convs, KerasLayer norm, boolean ownsInput, Padding2d inputPadding) {
    String n = layer.name() + "/";
    switch (layer.type()) {
      case "InputLayer", "Dropout":
        return in -> in.get(0);
      case "ZeroPadding2D": {
        Padding2d padding = NetworkPlan.zeroPadding(layer);
        return in -> padding.apply(in.get(0), 0);
      }
      case "Conv2D", "DepthwiseConv2D": {
        ConvSpec spec = ConvSpec.of(layer);
        ConvLayer conv = new ConvLayer(spec, arrays.get(n + (spec.depthwise()
            ? "depthwise_kernel" : "kernel")), arrays.get(n + "bias"), inputPadding);
        convs.add(conv);
        if (norm != null) {
          BatchNormOp bn = batchNorm(norm, arrays);
          return in -> {
            NDArray folded = null;
            NDArray[] scaleShift = bn.frozenScaleShift();
            if (scaleShift != null) {
              folded = conv.forwardScaled(in.get(0), scaleShift[0], scaleShift[1]);
            }
            return folded != null ? folded : bn.apply(List.of(conv.forward(in.get(0))));
          };
        }
        // the convolution's output is new and read only by its activation
        return in -> Activations.apply(spec.activation(), conv.forward(in.get(0)), true);
      }
      case "BatchNormalization":
        return batchNorm(layer, arrays);
      case "ReLU": {
        double max = layer.number("max_value", Double.NaN);
        if (Double.isNaN(max)) {
          return in -> Activations.apply("relu", in.get(0));
        }
        return max == 6 ? in -> Activations.apply("relu6", in.get(0), ownsInput)
            : in -> in.get(0).clip(0, max);
      }
      case "Activation": {
        String activation = finalActivation(layer, output);
        return in -> Activations.apply(activation, in.get(0));
      }
      case "Add":
        return in -> {
          NDArray sum = in.get(0);
          for (int i = 1; i < in.size(); i++) {
            sum = sum.add(in.get(i));
          }
          return sum;
        };
      case "Concatenate":
        return in -> {
          int rank = in.get(0).getShape().dimension();
          int axis = (int) layer.number("axis", -1);
          int keras = axis < 0 ? axis + rank : axis;
          return NDArrays.concat(new NDList(in), NetworkPlan.channelsFirstAxis(keras, rank));
        };
      case "AveragePooling2D", "MaxPooling2D":
        return new PoolOp(PoolSpec.of(layer));
      case "GlobalAveragePooling2D": {
        boolean keep = layer.bool("keepdims", false);
        return in -> globalAverage(in.get(0), keep);
      }
      case "Flatten":
        return in -> {
          NDArray x = in.get(0);
          return x.getShape().dimension() == 4
              ? x.transpose(0, 2, 3, 1).reshape(x.getShape().get(0), -1) : x;
        };
      case "Dense": {
        NDArray kernel = arrays.get(n + "kernel");
        NDArray bias = arrays.get(n + "bias");
        String activation = finalActivation(layer, output);
        return in -> Activations.apply(activation, Linear.linear(in.get(0), kernel, bias)
            .singletonOrThrow());
      }
      default:
        throw layer.invalid("is not supported");
    }
  }

  private static BatchNormOp batchNorm(KerasLayer layer, Map<String, NDArray> arrays) {
    String n = layer.name() + "/";
    return new BatchNormOp(arrays.get(n + "gamma"), arrays.get(n + "beta"),
        arrays.get(n + "moving_mean"), arrays.get(n + "moving_variance"),
        (float) layer.number("epsilon", 1e-3));
  }

  /** The layer's activation; the network output's softmax is left out (logits). */
  private static String finalActivation(KerasLayer layer, boolean output) {
    String activation = layer.string("activation", "linear");
    return output && activation.equals("softmax") ? "linear" : activation;
  }
}
