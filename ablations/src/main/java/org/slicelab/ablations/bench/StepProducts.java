package org.slicelab.ablations.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.bench.FlopCounter.Part;
import org.slicelab.ablations.bench.FlopCounter.Product;
import org.slicelab.ablations.method.LinearTraining;
import org.slicelab.ablations.method.MethodOptions;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The matrix products of one benchmarked training step, whatever the backbone: a BERT encoder's
 * ({@link FlopCounter}) or a convolutional network's ({@link ConvFlopCounter}), and their FLOPs.
 */
final class StepProducts {
  private StepProducts() {
  }

  /**
   * The products of one step of {@code spec}'s method on its backbone: {@code batch} examples
   * of {@code len} tokens (text) or {@code spec.imageSize()} pixels (images), {@code classes}
   * head outputs.
   */
  static List<Product> of(TrialSpec spec, int batch, int len, int classes) {
    Backbone backbone = Backbones.get(spec.backbone());
    LinearTraining training = spec.methodSettings().linearTraining();
    if (backbone instanceof KerasBackbone network) {
      Set<String> targets = training.targets().isEmpty() ? Set.of() : new LinkedHashSet<>(
          MethodOptions.targetShapes(network.architecture(), training.targets()).keySet());
      return ConvFlopCounter.products(network.plan(), training, targets, spec.imageSize(),
          batch, classes);
    }
    BertConfig config = Backbones.text(spec.backbone()).config();
    return FlopCounter.products(FlopCounter.plan(training, config), config, batch, len, classes);
  }

  /** FLOPs of {@link #of}, by part. */
  static FlopCounter.Flops flops(TrialSpec spec, int batch, int len, int classes) {
    long[] parts = new long[Part.values().length];
    for (Product p : of(spec, batch, len, classes)) {
      parts[p.part().ordinal()] += p.flops();
    }
    return new FlopCounter.Flops(parts[Part.FORWARD.ordinal()],
        parts[Part.ACTIVATION_BACKWARD.ordinal()], parts[Part.WEIGHT_GRADIENT.ordinal()]);
  }

  /**
   * Whether the GEMM floor applies: the step's products are what its kernels run (text
   * encoders), not an im2col view of direct convolutions.
   */
  static boolean gemmFloorApplies(String backbone) {
    return !(Backbones.get(backbone) instanceof KerasBackbone);
  }
}
