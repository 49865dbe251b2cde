package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.trial.TrialSpec;

/** LoRA baseline: rank-r adapters on the same targets as SliceFine, merged at the end. */
public final class Lora implements FineTuningMethod {
  private final TrialSpec spec;
  private final List<LinearLayer> layers = new ArrayList<>();
  private final List<Trainable> trainables = new ArrayList<>();

  /** LoRA with {@code rank}, {@code lora_alpha} and {@code targets} from {@code spec}. */
  public Lora(TrialSpec spec) {
    this.spec = spec;
  }

  @Override
  public void attach(TextClassifier model, MethodContext context) {
    Random random = new Random(spec.seed() * 31 + 7);
    for (LinearLayer layer : LayerPatterns.select(model.encoder().linearLayers(),
        spec.targetList())) {
      LinearLayer.checkRank(spec.rank(), Math.min(layer.inFeatures(), layer.outFeatures()),
          layer.name());
      LoraAdapter adapter = new LoraAdapter(layer, spec.rank(), spec.loraAlpha(), random,
          context.manager());
      layer.addAdapter(adapter);
      layers.add(layer);
      trainables.addAll(adapter.trainables(layer.name()));
    }
    trainables.addAll(HeadOnly.headTrainables(model));
  }

  @Override
  public List<Trainable> trainables() {
    return List.copyOf(trainables);
  }

  @Override
  public void merge(TextClassifier model) {
    layers.forEach(LinearLayer::mergeAdapters);
  }
}
