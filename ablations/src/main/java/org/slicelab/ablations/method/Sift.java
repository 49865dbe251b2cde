package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Trainable;
import java.util.Map;
import org.slicelab.ablations.config.Option;

/**
 * SIFT (sparse increment fine-tuning): in every targeted weight and bias, train only the
 * k = floor(rate * numel) + 1 entries with the largest |gradient| on the first batch. That
 * probe's gradient is not applied; the index set is then fixed. Updates go straight into the
 * tensor (no one-step lag), AdamW state is O(k), and weight decay acts on the entries themselves.
 * The head trains fully.
 */
public final class Sift implements FineTuningMethod {
  /** Option {@code sift_rate}: the top-x fraction. */
  public static final Option<Double> SIFT_RATE = Option.number("sift_rate", 0.01,
      "SIFT top-x fraction per tensor, in (0, 1]", v -> v > 0 && v <= 1, "a number in (0, 1]");
  /** The registration of {@code method = sift}. */
  public static final MethodType<Settings> TYPE = new MethodType<>("sift", 5e-3,
      List.of(SIFT_RATE, MethodOptions.TARGETS), Settings::from, Sift::new,
      List.of("sift_rate"), MethodType.BenchLabel.of("sift_(\\d+(?:\\.\\d+)?)pct",
          "sift_<x>pct", m -> Map.of("sift_rate", Double.parseDouble(m.group(1)) / 100.0)));

  /**
   * SIFT's settings.
   *
   * @param rate top-x fraction of every targeted tensor
   * @param targets layer patterns of the sparsely trained Linears
   */
  public record Settings(double rate, List<String> targets) implements MethodSettings {
    /** The settings in a checked option map. */
    public static Settings from(Map<String, ?> values) {
      return new Settings(SIFT_RATE.in(values),
          MethodOptions.targetList(MethodOptions.TARGETS.in(values)));
    }

    @Override
    public void checkShapes(Architecture architecture, int numClasses) {
      MethodOptions.targetShapes(architecture, targets);
    }

    @Override
    public LinearTraining linearTraining() {
      return LinearTraining.targeted(LinearTraining.Kind.FULL, 0, targets);
    }
  }

  private final Settings settings;
  private final List<NDArray> tensors = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final List<Trainable> trainables = new ArrayList<>();
  private List<Trainable> head = List.of();

  /** SIFT with {@code settings}. */
  public Sift(Settings settings) {
    this.settings = settings;
  }

  /** Entries kept in a tensor of {@code numel} entries at {@code rate}. */
  public static long keptEntries(long numel, double rate) {
    return Math.min(numel, (long) Math.floor(rate * numel) + 1);
  }

  @Override
  public void attach(Classifier model, MethodContext context) {
    for (WeightLayer layer : MethodOptions.targetLayers(model, settings.targets())) {
      tensors.add(layer.weight());
      names.add(layer.name() + ".weight");
      if (layer.bias() != null) {
        tensors.add(layer.bias());
        names.add(layer.name() + ".bias");
      }
    }
    for (NDArray tensor : tensors) {
      tensor.setRequiresGradient(true);
    }
    head = HeadOnly.headTrainables(model);
  }

  @Override
  public boolean needsProbeBatch() {
    return true;
  }

  @Override
  public void selectFromProbe() {
    trainables.clear();
    for (int i = 0; i < tensors.size(); i++) {
      NDArray tensor = tensors.get(i);
      long numel = tensor.size();
      int k = (int) keptEntries(numel, settings.rate());
      NDArray magnitude = tensor.getGradient().reshape(-1).abs();
      NDArray indices = magnitude.topK(k, 0, true, false).get(1).toType(DataType.INT64, false)
          .sort();
      ai.djl.ndarray.NDScope.unregister(indices);
      trainables.add(new SparseTrainable(names.get(i), tensor, indices));
    }
  }

  @Override
  public List<Trainable> trainables() {
    List<Trainable> out = new ArrayList<>(trainables);
    out.addAll(head);
    return out;
  }

  /** The selected flat indices per tensor name (after the probe). */
  public java.util.Map<String, long[]> selectedIndices() {
    java.util.Map<String, long[]> out = new java.util.LinkedHashMap<>();
    for (Trainable t : trainables) {
      out.put(t.name(), ((SparseTrainable) t).indices());
    }
    return out;
  }

  @Override
  public long trainableParameterCount() {
    long sparse = 0;
    for (NDArray tensor : tensors) {
      sparse += keptEntries(tensor.size(), settings.rate());
    }
    return sparse + head.stream().mapToLong(Trainable::size).sum();
  }

  @Override
  public void merge(Classifier model) {
    for (NDArray tensor : tensors) {
      tensor.setRequiresGradient(false);
    }
  }
}
