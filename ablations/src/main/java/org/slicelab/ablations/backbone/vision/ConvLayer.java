package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.List;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.StoredWeightLayer;
import org.slicelab.ablations.model.WeightLayer;

/**
 * A Keras {@code Conv2D} or {@code DepthwiseConv2D} as a {@link WeightLayer}, on NCHW
 * activations: weight [out, in, kh, kw], or [channels, 1, kh, kw] for a depthwise layer (one
 * filter per channel, so its rows and input units are the same channels). A 1x1 convolution is
 * a Linear applied at every position. Padding follows TensorFlow ({@link Padding2d#same});
 * the Keras activation is not part of the layer (adapters act on the pre-activation output).
 * Adapters that have a weight form (SliceFine's slices) are folded into the kernel, so the layer
 * runs one convolution ({@link LayerAdapter#foldedWeight}); the others (LoRA, calibration
 * recorders) act on the output.
 */
public final class ConvLayer extends StoredWeightLayer {
  private final ConvSpec spec;
  private final Padding2d inputPadding;

  /** A layer over existing weight and bias (null when the layer has none) arrays, not copied. */
  public ConvLayer(ConvSpec spec, NDArray weight, NDArray bias) {
    this(spec, weight, bias, Padding2d.NONE);
  }

  /**
   * As {@link #ConvLayer(ConvSpec, NDArray, NDArray)} for a {@code 'valid'} layer that pads
   * its input with zeros first ({@code inputPadding}: a Keras {@code ZeroPadding2D} that only
   * this layer reads), inside the convolution where it can ({@link Padding2d#byKernelShift})
   * instead of as a copy of the activations. Its input is the unpadded tensor.
   */
  public ConvLayer(ConvSpec spec, NDArray weight, NDArray bias, Padding2d inputPadding) {
    super(fitting(spec, weight), bias);
    if (!inputPadding.isNone() && spec.same()) {
      throw new IllegalArgumentException("layer '" + spec.layer() + "': an input padding "
          + "needs 'valid' padding, not 'same'");
    }
    this.spec = spec;
    this.inputPadding = inputPadding;
  }

  /** {@code weight}, checked against the kernel size (and depthwise shape) of {@code spec}. */
  private static NDArray fitting(ConvSpec spec, NDArray weight) {
    long[] shape = weight.getShape().getShape();
    if (shape.length != 4 || shape[2] != spec.kernel()[0] || shape[3] != spec.kernel()[1]
        || (spec.depthwise() && shape[1] != 1)) {
      throw new IllegalArgumentException("layer '" + spec.layer() + "': weight shape "
          + weight.getShape() + " does not fit a " + spec.kernel()[0] + "x" + spec.kernel()[1]
          + (spec.depthwise() ? " depthwise" : "") + " convolution");
    }
    return weight;
  }

  /** The layer's geometry and Keras activation. */
  public ConvSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return spec.layer();
  }

  @Override
  public int units(SliceAxis axis) {
    return (int) weight().getShape().get(axis == SliceAxis.ROW || spec.depthwise() ? 0 : 1);
  }

  @Override
  public int taps() {
    return spec.kernel()[0] * spec.kernel()[1];
  }

  @Override
  public boolean unitsShared() {
    return spec.depthwise();
  }

  @Override
  public int activationUnitAxis() {
    return 1;
  }

  @Override
  public NDArray product(NDArray x, NDArray weightPart) {
    return convolve(x, weightPart, null);
  }

  @Override
  public NDArray mixUnits(NDArray activations, NDArray m) {
    long from = m.getShape().get(0);
    long to = m.getShape().get(1);
    return Conv2d.conv2d(activations, m.transpose().reshape(to, from, 1, 1)).singletonOrThrow();
  }

  @Override
  public NDArray forward(NDArray x) {
    // adapters with a weight form run inside the one convolution (LayerAdapter#foldedWeight)
    NDArray w = weight();
    List<LayerAdapter> outputForm = new ArrayList<>(attachedAdapters().size());
    for (LayerAdapter adapter : attachedAdapters()) {
      NDArray folded = adapter.foldedWeight(w);
      if (folded != null) {
        w = folded;
      } else {
        outputForm.add(adapter);
      }
    }
    NDArray y = convolve(x, w, bias());
    for (LayerAdapter adapter : outputForm) {
      y = adapter.apply(x, y);
    }
    return y;
  }

  /**
   * {@code forward(x) * scale + shift} per output channel (a batch norm in inference mode after
   * the layer) as one convolution: the kernel (adapters folded in) times {@code scale}, bias
   * {@code bias * scale + shift}. Equal to the two steps up to float rounding; autograd reaches
   * the kernel and the adapters through the product. Null when an adapter has only the output
   * form (its output would need the scale too): run {@link #forward} and the norm then.
   */
  public NDArray forwardScaled(NDArray x, NDArray scale, NDArray shift) {
    NDArray w = weight();
    for (LayerAdapter adapter : attachedAdapters()) {
      w = adapter.foldedWeight(w);
      if (w == null) {
        return null;
      }
    }
    NDArray b = bias() == null ? shift : bias().mul(scale).add(shift);
    return convolve(x, w.mul(scale.reshape(-1, 1, 1, 1)), b);
  }

  @Override
  public NDArray inputUnitSquares(NDArray x, NDArray mask) {
    NDArray squares = x.square();
    if (mask != null) {
      squares = squares.mul(mask);
    }
    return squares.sum(new int[] {0, 2, 3});
  }

  /**
   * The convolution of {@code x} with {@code w} (and {@code b} when not null) at this layer's
   * stride, dilation and TF padding; depthwise: one group per channel of {@code w}.
   */
  private NDArray convolve(NDArray x, NDArray w, NDArray b) {
    Shape xs = x.getShape();
    Padding2d padding = inputPadding.isNone() ? spec.padding((int) xs.get(2), (int) xs.get(3))
        : inputPadding;
    int groups = spec.depthwise() ? (int) w.getShape().get(0) : 1;
    Shape stride = new Shape(spec.stride()[0], spec.stride()[1]);
    Shape dilation = new Shape(spec.dilation()[0], spec.dilation()[1]);
    if (padding.symmetric()) {
      return Conv2d.conv2d(x, w, b, stride, padding.symmetricShape(), dilation, groups)
          .singletonOrThrow();
    }
    if (padding.byKernelShift(spec.dilation())) {
      return Conv2d.conv2d(x, w.pad(padding.kernelShift(), 0), b, stride,
          padding.shiftedShape(), dilation, groups).singletonOrThrow();
    }
    return Conv2d.conv2d(padding.apply(x, 0), w, b, stride, new Shape(0, 0), dilation, groups)
        .singletonOrThrow();
  }
}
