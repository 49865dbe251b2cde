package org.slicelab.ablations.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slicelab.ablations.backbone.vision.ConvSpec;
import org.slicelab.ablations.backbone.vision.KerasLayer;
import org.slicelab.ablations.backbone.vision.NetworkPlan;
import org.slicelab.ablations.bench.FlopCounter.Part;
import org.slicelab.ablations.bench.FlopCounter.Product;
import org.slicelab.ablations.method.LinearTraining;
import org.slicelab.ablations.method.LinearTraining.Kind;

/**
 * The multiply-add work of one training step of an image classifier (a {@link NetworkPlan}'s
 * backbone, global pooling, a Linear head) as SliceLab computes it, per method, in the im2col
 * view of docs/methods.md: a convolution with {@code in} input channels, a {@code kh x kw}
 * kernel, {@code out} filters and {@code P} output positions per image is a product of
 * {@code [B*P, in*kh*kw]} by {@code [in*kh*kw, out]}; a depthwise one is {@code channels}
 * products of {@code [B*P, kh*kw]} by {@code [kh*kw, 1]}. FLOPs are 2 per multiply-add.
 *
 * <p>What each method computes:
 * <ul>
 *   <li><b>forward</b>: every convolution, LoRA's A (the layer's own convolution to r channels)
 *       and B (a 1x1 convolution from r), the head.
 *   <li><b>activation backward</b>: a convolution's input gradient wherever its input needs one,
 *       i.e. where some layer it depends on trains (the graph's ancestry: residual adds and
 *       concatenations included; the first convolution reads the images, which need none);
 *       LoRA's gradient of its low-rank activation.
 *   <li><b>weight gradients</b> actually formed: the full kernel gradient for full fine-tuning,
 *       SIFT (it picks from the full gradient) and SliceFine, whose slices run folded into the
 *       kernel ({@code W + D}, docs/methods.md), so the convolution's backward forms the whole
 *       kernel gradient; LoRA's A and B gradients; the head's.
 * </ul>
 * Not counted: batch norm, activations, pooling, padding, adds, the optimizer (element-wise).
 * The products are listed for their FLOPs only: oneDNN runs convolutions as direct kernels, not
 * as these matrix products (and a depthwise convolution is no matrix product at all), so the
 * benchmark's GEMM floor, which times products alone, does not apply to convolutional networks.
 */
public final class ConvFlopCounter {
  private ConvFlopCounter() {
  }

  /**
   * The products of one training step on {@code batch} images of {@code imageSize} pixels with
   * a head of {@code classes} outputs; {@code targets} are the names of the convolutions the
   * method's {@code training} targets (LoRA skips depthwise ones, as it does in training).
   */
  public static List<Product> products(NetworkPlan plan, LinearTraining training,
      Set<String> targets, int imageSize, int batch, int classes) {
    Map<String, int[]> shapes = plan.backboneShapesAt(imageSize);
    Map<String, Boolean> needsGrad = new HashMap<>();
    List<Product> out = new ArrayList<>();
    for (KerasLayer layer : plan.backbone()) {
      boolean input = layer.inputs().stream().anyMatch(i -> needsGrad.getOrDefault(i, false));
      boolean trains = false;
      if (layer.type().equals("Conv2D") || layer.type().equals("DepthwiseConv2D")) {
        ConvSpec spec = ConvSpec.of(layer);
        Kind kind = kind(training, targets.contains(layer.name()), spec.depthwise());
        int[] in = shapes.get(layer.input());
        int[] o = shapes.get(layer.name());
        conv(out, spec, in[0], o[0], (long) batch * o[1] * o[2], kind, training.rank(), input);
        trains = kind != Kind.FROZEN;
      } else if (layer.type().equals("BatchNormalization")) {
        trains = training.wholeModel();
      }
      needsGrad.put(layer.name(), input || trains);
    }
    int features = shapes.get(plan.featureLayer())[0];
    out.add(new Product(Part.FORWARD, 1, batch, features, classes, false, true));
    out.add(new Product(Part.WEIGHT_GRADIENT, 1, classes, batch, features, true, false));
    if (needsGrad.get(plan.featureLayer())) {
      out.add(new Product(Part.ACTIVATION_BACKWARD, 1, batch, classes, features, false, false));
    }
    return List.copyOf(out);
  }

  /** How a convolution trains under {@code training}. */
  private static Kind kind(LinearTraining training, boolean targeted, boolean depthwise) {
    if (training.wholeModel()) {
      return Kind.FULL;
    }
    if (!targeted || (training.kind() == Kind.LORA && depthwise)) {
      return Kind.FROZEN;
    }
    return training.kind();
  }

  /** Adds one convolution's products over {@code positions} output positions (batch included). */
  private static void conv(List<Product> out, ConvSpec spec, int in, int filters,
      long positions, Kind kind, int rank, boolean inputNeedsGrad) {
    int m = Math.toIntExact(positions);
    int taps = spec.kernel()[0] * spec.kernel()[1];
    if (spec.depthwise()) {
      // one [m, taps] x [taps, 1] product per channel
      out.add(new Product(Part.FORWARD, in, m, taps, 1, false, false));
      if (inputNeedsGrad) {
        out.add(new Product(Part.ACTIVATION_BACKWARD, in, m, 1, taps, false, false));
      }
      if (kind != Kind.FROZEN) {
        out.add(new Product(Part.WEIGHT_GRADIENT, in, 1, m, taps, true, false));
      }
      return;
    }
    int k = in * taps;
    out.add(new Product(Part.FORWARD, 1, m, k, filters, false, true));
    if (inputNeedsGrad) {
      out.add(new Product(Part.ACTIVATION_BACKWARD, 1, m, filters, k, false, false));
    }
    switch (kind) {
      case FROZEN -> {
        // nothing trains here
      }
      case FULL, ROW_SLICE, COLUMN_SLICE ->
          // SliceFine's slice runs folded into the kernel: the whole kernel gradient is formed
          out.add(new Product(Part.WEIGHT_GRADIENT, 1, filters, m, k, true, false));
      case LORA -> {
        out.add(new Product(Part.FORWARD, 1, m, k, rank, false, true));            // A(x)
        out.add(new Product(Part.FORWARD, 1, m, rank, filters, false, true));      // B(low)
        out.add(new Product(Part.WEIGHT_GRADIENT, 1, filters, m, rank, true, false));  // dB
        out.add(new Product(Part.WEIGHT_GRADIENT, 1, rank, m, k, true, false));    // dA
        out.add(new Product(Part.ACTIVATION_BACKWARD, 1, m, filters, rank, false, false));
        if (inputNeedsGrad) {
          out.add(new Product(Part.ACTIVATION_BACKWARD, 1, m, rank, k, false, false));
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }
}
