package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.train.Trainable;
import java.util.Map;
import org.slicelab.ablations.config.Option;

/**
 * LoRA baseline: rank-r adapters on the same targets as SliceFine, merged at the end. Depthwise
 * convolutions are left out of the default targets and refused as explicit ones: PEFT's grouped
 * LoRA needs the rank to be a multiple of the groups (here: every channel), and an adapter would
 * hold more parameters than the layer itself.
 */
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
    public void checkShapes(Architecture architecture, int numClasses) {
      boolean byDefault = MethodOptions.isDefault(targets);
      MethodOptions.targetShapes(architecture, targets).forEach((name, shape) -> {
        if (shape.unitsShared()) {
          if (!byDefault) {
            throw depthwise(name);
          }
          return;
        }
        WeightLayer.checkRank(rank, Math.min(shape.rows(), shape.columns() * shape.taps()),
            name);
      });
    }

    @Override
    public LinearTraining linearTraining() {
      return LinearTraining.targeted(LinearTraining.Kind.LORA, rank, targets);
    }
  }

  private final Settings settings;
  private final List<WeightLayer> layers = new ArrayList<>();
  private final List<Trainable> trainables = new ArrayList<>();

  /** LoRA with {@code settings}. */
  public Lora(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void attach(Classifier model, MethodContext context) {
    Random random = new Random(context.training().seed() * 31 + 7);
    boolean byDefault = MethodOptions.isDefault(settings.targets());
    for (WeightLayer layer : MethodOptions.targetLayers(model, settings.targets())) {
      if (layer.unitsShared()) {
        if (!byDefault) {
          throw depthwise(layer.name());
        }
        continue;
      }
      // the rank of the kernel matrix [out, in * kh * kw]: a 3-channel 3x3 convolution takes
      // rank 8 as PEFT allows (its A is a 3x3 convolution from 3 to 8 channels)
      WeightLayer.checkRank(settings.rank(), Math.min(layer.units(SliceAxis.ROW),
          layer.units(SliceAxis.COLUMN) * layer.taps()), layer.name());
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
  public void merge(Classifier model) {
    layers.forEach(WeightLayer::mergeAdapters);
  }

  private static IllegalArgumentException depthwise(String layer) {
    return new IllegalArgumentException("trial option 'targets' selects the depthwise "
        + "convolution " + layer + ", which LoRA cannot adapt (PEFT needs a rank that is a "
        + "multiple of its channels); leave depthwise layers out of 'targets'");
  }
}
