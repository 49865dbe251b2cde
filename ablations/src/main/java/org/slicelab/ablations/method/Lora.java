package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.train.Trainable;
import java.util.Map;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.config.Option;

/** LoRA baseline: rank-r adapters on the same targets as SliceFine, merged at the end. */
public final class Lora implements FineTuningMethod {
  /** Option {@code lora_alpha}. */
  public static final Option<Double> LORA_ALPHA = Option.number("lora_alpha", 16,
      "LoRA scale numerator (scale = alpha / rank)", v -> v > 0 && !v.isInfinite(),
      "a number > 0");
  /** The registration of {@code method = lora}. */
  public static final MethodType<Settings> TYPE = new MethodType<>("lora", 2e-3,
      List.of(MethodOptions.RANK, LORA_ALPHA, MethodOptions.TARGETS), Settings::from, Lora::new,
      List.of("rank"), MethodType.BenchLabel.of("lora_r(\\d+)", "lora_r<k>",
          m -> Map.of("rank", Integer.parseInt(m.group(1)))));

  /**
   * LoRA's settings.
   *
   * @param rank adapter rank r
   * @param alpha scale numerator (scale = alpha / r)
   * @param targets layer patterns of the adapted Linears
   */
  public record Settings(int rank, double alpha, List<String> targets) implements MethodSettings {
    /** The settings in a checked option map. */
    public static Settings from(Map<String, ?> values) {
      return new Settings(MethodOptions.RANK.in(values), LORA_ALPHA.in(values),
          MethodOptions.targetList(MethodOptions.TARGETS.in(values)));
    }

    @Override
    public void checkShapes(BertConfig config, int numClasses) {
      MethodOptions.targetShapes(config, targets).forEach((name, shape) ->
          LinearLayer.checkRank(rank, Math.min(shape[0], shape[1]), name));
    }

    @Override
    public LinearTraining linearTraining() {
      return LinearTraining.targeted(LinearTraining.Kind.LORA, rank, targets);
    }
  }

  private final Settings settings;
  private final List<LinearLayer> layers = new ArrayList<>();
  private final List<Trainable> trainables = new ArrayList<>();

  /** LoRA with {@code settings}. */
  public Lora(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void attach(TextClassifier model, MethodContext context) {
    Random random = new Random(context.training().seed() * 31 + 7);
    for (LinearLayer layer : LayerPatterns.select(model.encoder().linearLayers(),
        settings.targets())) {
      LinearLayer.checkRank(settings.rank(), Math.min(layer.inFeatures(), layer.outFeatures()),
          layer.name());
      LoraAdapter adapter = new LoraAdapter(layer, settings.rank(), settings.alpha(), random,
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
