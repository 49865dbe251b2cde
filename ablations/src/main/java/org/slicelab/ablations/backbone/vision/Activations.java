package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.List;

/**
 * The Keras activations SliceLab runs, by their Keras names, on NCHW or [B, F] tensors (softmax
 * over the channel / feature axis 1).
 *
 * <p>ReLU6 is torch's {@code hardtanh(x, 0, 6)} ({@link Relu6}): one pass backward, and its
 * bounds are constants of the scripted module. DJL's {@code Activation.relu6} is
 * {@code minimum(relu(x), 6)} with the 6 in a temporary array over a Java direct buffer that
 * PyTorch saves for backward (a garbage collection between forward and backward corrupted the
 * gradients), and seven element-wise passes backward.
 */
public final class Activations {
  /** Supported Keras activation names. */
  public static final List<String> NAMES = List.of("linear", "relu", "relu6", "sigmoid", "tanh",
      "softmax");

  private Activations() {
  }

  /** Throws naming {@code layer} when {@code name} is not supported. */
  public static void check(String name, KerasLayer layer) {
    if (!NAMES.contains(name)) {
      throw layer.invalid("has activation '" + name + "': supported are " + NAMES);
    }
  }

  /**
   * {@code name} applied to {@code x}, into {@code x} where that saves a tensor
   * ({@code owned}: the caller owns {@code x}, nothing else reads it afterwards; ReLU6 only).
   */
  public static NDArray apply(String name, NDArray x, boolean owned) {
    return owned && name.equals("relu6") ? Relu6.applyInPlace(x) : apply(name, x);
  }

  /** {@code name} applied to {@code x}. */
  public static NDArray apply(String name, NDArray x) {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> Activation.relu(x);
      case "relu6" -> Relu6.apply(x);
      case "sigmoid" -> Activation.sigmoid(x);
      case "tanh" -> Activation.tanh(x);
      case "softmax" -> x.softmax(1);
      default -> throw new IllegalArgumentException("unsupported activation '" + name + "'");
    };
  }
}
