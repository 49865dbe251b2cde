package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.SliceAdapter;
import org.slicelab.ablations.method.SliceFine;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialRunner;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The step-0 slice-gradient energy of a static SliceFine trial: the share of the step-0 gradient
 * energy of its sliced weights that falls on its slices,
 * {@code share = sum_l ||G_l[S_l]||_F^2 / sum_l ||G_l||_F^2} over the layers l the trial slices
 * (definition ours).
 *
 * <p>Everything is as the trial does it: the classifier built from the trial's weights
 * ({@code init}) with a fresh head drawn with the trial's seed, the trial's training examples,
 * and the slices S_l its own method chooses ({@code mode}, {@code rank}, {@code position} or
 * {@code selector}: the method is attached exactly as {@link TrialRunner} attaches it, its
 * slices read, then merged back, which adds the untrained zero increment). G_l is the
 * {@link GradientProbe} gradient of the mean loss over the training examples. Trials that share
 * the model and data (same backbone, init, data, seed and batch size) share one gradient.
 *
 * @param trialId the trial
 * @param share slice energy over total energy
 * @param sliceEnergy sum over sliced layers of ||G_l[S_l]||_F^2
 * @param totalEnergy sum over sliced layers of ||G_l||_F^2
 * @param layers sliced layers
 */
public record TrialSliceEnergy(String trialId, double share, double sliceEnergy,
    double totalEnergy, int layers) {

  /**
   * The energy of each of {@code specs}, by trial id.
   *
   * @throws IllegalArgumentException before any work when a spec is not a static SliceFine trial
   */
  public static Map<String, TrialSliceEnergy> measure(List<TrialSpec> specs,
      TrialResources resources) {
    Map<String, List<TrialSpec>> groups = new LinkedHashMap<>();
    for (TrialSpec spec : specs) {
      if (!spec.method().equals(SliceFine.TYPE.name())
          || ((SliceFine.Settings) spec.methodSettings()).moveSteps() != 0) {
        throw new IllegalArgumentException("trial " + spec.trialId() + " is not a static "
            + "SliceFine trial (method = " + spec.method() + "): its slices are not fixed at "
            + "step 0");
      }
      groups.computeIfAbsent(gradientKey(spec), k -> new ArrayList<>()).add(spec);
    }
    Autograd.ensureEngine();
    Map<String, TrialSliceEnergy> out = new LinkedHashMap<>();
    for (List<TrialSpec> group : groups.values()) {
      measureGroup(group, resources).forEach(e -> out.put(e.trialId(), e));
    }
    return out;
  }

  /** What the gradient depends on: model (backbone, init, head seed), data and batching. */
  static String gradientKey(TrialSpec spec) {
    return String.join("/", spec.backbone(), spec.init(), spec.dataset(),
        String.valueOf(spec.trainSize()), String.valueOf(spec.valSize()),
        String.valueOf(spec.testSize()), String.valueOf(spec.seed()),
        String.valueOf(spec.dataSeed()), String.valueOf(spec.maxLen()),
        String.valueOf(spec.imageSize()), String.valueOf(spec.batchSize()));
  }

  /** One slice a trial trains: layer, axis and units. */
  private record Slice(String layer, SliceAxis axis, int[] units) {
  }

  private static List<TrialSliceEnergy> measureGroup(List<TrialSpec> group,
      TrialResources resources) {
    TrialSpec first = group.get(0);
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TrialResources.TaskData data = resources.taskData(first);
      Backbone backbone = resources.backbone(first.backbone());
      Map<String, FloatTensor> weights = first.init().equals("random")
          ? backbone.randomLike(first.seed()) : backbone.weights();
      Classifier model = backbone.create(manager, weights, data.numClasses(), first.seed());
      Map<String, List<Slice>> slices = new LinkedHashMap<>();
      Set<String> sliced = new LinkedHashSet<>();
      for (TrialSpec spec : group) {
        List<Slice> chosen = slices(spec, model, backbone, data, manager);
        slices.put(spec.trialId(), chosen);
        chosen.forEach(s -> sliced.add(s.layer()));
      }
      List<WeightLayer> layers = new ArrayList<>();
      for (WeightLayer layer : model.weightLayers()) {
        if (sliced.contains(layer.name())) {
          layers.add(layer);
        }
      }
      if (sliced.contains(model.head().name()) && !layers.contains(model.head())) {
        layers.add(model.head());
      }
      Map<String, SliceMatrix> gradients = GradientProbe.gradients(model, layers, data.train(),
          first.batchSize(), manager);
      Map<String, Double> totals = new LinkedHashMap<>();
      Map<String, double[][]> unitEnergies = new LinkedHashMap<>();
      gradients.forEach((name, g) -> {
        totals.put(name, g.squaredNorm());
        unitEnergies.put(name, new double[][] {g.unitEnergies(SliceAxis.ROW),
            g.unitEnergies(SliceAxis.COLUMN)});
      });
      List<TrialSliceEnergy> out = new ArrayList<>();
      slices.forEach((trialId, chosen) -> {
        double slice = 0;
        double total = 0;
        for (Slice s : chosen) {
          double[] units = unitEnergies.get(s.layer())[s.axis().ordinal()];
          for (int u : s.units()) {
            slice += units[u];
          }
          total += totals.get(s.layer());
        }
        out.add(new TrialSliceEnergy(trialId, slice / total, slice, total, chosen.size()));
      });
      return out;
    } finally {
      Autograd.setRecording(recording);
    }
  }

  /** The slices {@code spec}'s method installs on {@code model}; the model is left unchanged. */
  private static List<Slice> slices(TrialSpec spec, Classifier model, Backbone backbone,
      TrialResources.TaskData data, NDManager manager) {
    FineTuningMethod method = spec.newMethod();
    method.attach(model, TrialRunner.methodContext(spec, backbone, data, manager));
    List<Slice> out = new ArrayList<>();
    for (Map.Entry<String, SliceAdapter> e : ((SliceFine) method).slices().entrySet()) {
      out.add(new Slice(e.getKey(), e.getValue().axis(), e.getValue().indices()));
    }
    method.merge(model);
    return out;
  }
}
