package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.method.MethodOptions;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Measures the premises of the slice hypothesis on one (backbone, data set) pair, for the
 * pretrained weights and the random-init control of the same architecture: slice spectra and
 * their {@link BalanceIndex} against a {@link GaussianNull}, the {@link TaskEnergy} of every
 * targeted layer's input on the training examples, and the step-0 {@link SliceGradientEnergy}.
 * The trial options of {@code spec} pick the backbone, data, sizes, seed (random init, head,
 * random slice starts, null) and batch size. Bad input fails before weights are read.
 */
public final class PremisesRun {
  /** The two weight sets measured. */
  public static final List<String> INITS = List.of("pretrained", "random");
  /** A balance percentile at or beyond this (or its complement) differs from the null. */
  public static final double FLAG = 0.95;

  private final TrialSpec spec;
  private final PremisesSettings settings;
  private final PremisesTables tables = new PremisesTables();
  private final Map<String, BalanceIndex[][]> nulls = new HashMap<>();
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private long cpuSince = THREADS.getCurrentThreadCpuTime();

  private PremisesRun(TrialSpec spec, PremisesSettings settings) {
    this.spec = spec;
    this.settings = settings;
  }

  /** Runs every measurement; returns the tables' rows. */
  public static PremisesTables measure(TrialSpec spec, PremisesSettings settings) {
    return new PremisesRun(spec, settings).run();
  }

  private PremisesTables run() {
    Backbone backbone = Backbones.get(spec.backbone());
    settings.check(backbone.architecture());
    TrialResources.checkModalities(spec, backbone, Datasets.get(spec.dataset()));
    TrialResources.TaskData data = TrialResources.shared().taskData(spec);
    long classes = Arrays.stream(data.train().labels()).distinct().count();
    if (classes < 2) {
      throw new IllegalArgumentException("option 'dataset' = '" + spec.dataset() + "' is invalid"
          + " for premises: its training examples hold " + classes + " class; between-class "
          + "scatter and a classification loss need at least two");
    }
    Autograd.ensureEngine();
    tables.common(Map.of("backbone", backbone.name(), "dataset", spec.dataset(),
        "backbone_sha256", backbone.weightsSha256(), "data_sha256", data.dataChecksum(),
        TrialResources.TRAIN_FINGERPRINT, data.fingerprints().get(TrialResources.TRAIN_FINGERPRINT),
        "seed", spec.seed()));
    try (NDManager root = NDManager.newBaseManager("PyTorch")) {
      for (String init : INITS) {
        Map<String, FloatTensor> weights = init.equals("pretrained") ? backbone.weights()
            : backbone.randomLike(spec.seed());
        try (NDManager manager = root.newSubManager()) {
          Classifier model = backbone.create(manager, weights, data.numClasses(), spec.seed());
          List<WeightLayer> layers = MethodOptions.targetLayers(model,
              MethodOptions.targetList(settings.targets()));
          long t0 = System.nanoTime();
          cpuSince = THREADS.getCurrentThreadCpuTime();
          for (WeightLayer layer : layers) {
            try (NDScope scope = new NDScope()) {
              balance(init, SliceMatrix.of(layer), root);
              scope.suppressNotUsedWarning();
            }
          }
          long t1 = phase(init + " slice spectra and balance (" + layers.size() + " matrices)",
              t0);
          taskEnergy(init, model, layers, data.train(), manager);
          long t2 = phase(init + " task energy (" + data.train().size() + " examples)", t1);
          gradients(init, model, layers, data.train(), manager);
          phase(init + " step-0 gradients", t2);
        }
      }
    }
    return tables;
  }

  /**
   * Logs and records the wall-clock seconds since {@code since}, and the CPU seconds of this
   * thread (with one torch thread the ops run on it, so that is the phase's compute whatever
   * the machine's load); returns now.
   */
  private long phase(String name, long since) {
    long now = System.nanoTime();
    double seconds = (now - since) / 1e9;
    long cpuNow = THREADS.getCurrentThreadCpuTime();
    double cpu = (cpuNow - cpuSince) / 1e9;
    cpuSince = cpuNow;
    tables.seconds.put(name, seconds);
    tables.seconds.put(name + " (CPU of this thread)", cpu);
    System.err.printf(java.util.Locale.ROOT, "[slicelab] premises: %s took %.1f s (%.1f s CPU of"
        + " this thread)%n", name, seconds, cpu);
    return now;
  }

  private int[] starts(int units, int rank) {
    return SlicePositions.of(units, rank, settings.positions(), settings.randomPositions(),
        spec.seed()).starts();
  }

  private List<GaussianNull.Slicing> slicings(SliceMatrix matrix) {
    List<GaussianNull.Slicing> out = new ArrayList<>();
    for (SliceAxis axis : SliceAxis.values()) {
      for (int rank : settings.ranks()) {
        if (rank > matrix.units(axis)) {
          continue; // checked: the rank fits some other axis or layer; this case is skipped
        }
        out.add(new GaussianNull.Slicing(axis, rank, starts(matrix.units(axis), rank)));
      }
    }
    return out;
  }

  private void balance(String init, SliceMatrix matrix, NDManager root) {
    List<GaussianNull.Slicing> slicings = slicings(matrix);
    String shape = matrix.rows() + "x" + matrix.columnUnits() + "x" + matrix.taps() + "/"
        + matrix.unitsShared();
    BalanceIndex[][] draws = nulls.computeIfAbsent(shape, k -> {
      try (NDManager nullManager = root.newSubManager()) {
        return GaussianNull.simulate(matrix, slicings, settings.nullDraws(),
            spec.seed() * 1_000_003L + k.hashCode(), nullManager);
      }
    });
    double squaredNorm = matrix.squaredNorm();
    for (int s = 0; s < slicings.size(); s++) {
      GaussianNull.Slicing slicing = slicings.get(s);
      SliceSpectra spectra = SliceSpectra.of(matrix, squaredNorm, slicing.axis(),
          slicing.rank(), slicing.starts());
      BalanceIndex index = BalanceIndex.of(spectra);
      double pCv = GaussianNull.percentile(
          Arrays.stream(draws[s]).mapToDouble(BalanceIndex::energyCv).toArray(),
          index.energyCv());
      double pDistance = GaussianNull.percentile(
          Arrays.stream(draws[s]).mapToDouble(BalanceIndex::spectralDistance).toArray(),
          index.spectralDistance());
      Map<String, Object> row = tables.row(init, matrix.name(), slicing.axis(), slicing.rank());
      row.put("rows", matrix.rows());
      row.put("column_units", matrix.columnUnits());
      row.put("taps", matrix.taps());
      row.put("slices", slicing.starts().length);
      row.put("energy_cv", index.energyCv());
      row.put("spectral_distance", index.spectralDistance());
      row.put("null_energy_cv_median", median(draws[s], true));
      row.put("null_spectral_distance_median", median(draws[s], false));
      row.put("null_energy_cv_percentile", pCv);
      row.put("null_spectral_distance_percentile", pDistance);
      row.put("null_draws", settings.nullDraws());
      row.put("verdict", verdict(pCv, pDistance));
      tables.balance.add(row);
      SlicePositions kinds = SlicePositions.of(matrix.units(slicing.axis()), slicing.rank(),
          settings.positions(), settings.randomPositions(), spec.seed());
      for (int p = 0; p < slicing.starts().length; p++) {
        Map<String, Object> slice = tables.row(init, matrix.name(), slicing.axis(),
            slicing.rank());
        slice.put("position", slicing.starts()[p]);
        slice.put("position_kind", kinds.kind(p));
        slice.put("energy", spectra.energies()[p]);
        slice.put("spectrum", join(spectra.values()[p]));
        tables.sliceSpectra.add(slice);
      }
    }
  }

  /** "less balanced", "more balanced" or "as the null", from the two percentiles. */
  static String verdict(double pCv, double pDistance) {
    if (Math.max(pCv, pDistance) >= FLAG) {
      return "less balanced";
    }
    return Math.max(pCv, pDistance) <= 1 - FLAG ? "more balanced" : "as the null";
  }

  private void taskEnergy(String init, Classifier model, List<WeightLayer> layers,
      Examples train, NDManager manager) {
    Map<WeightLayer, List<LayerAdapter>> previous = new LinkedHashMap<>();
    int classes = Arrays.stream(train.labels()).max().orElse(0) + 1;
    InputScatters scatters = new InputScatters(classes, manager);
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try {
      for (WeightLayer layer : layers) {
        previous.put(layer, layer.adapters());
        layer.addAdapter(scatters.recorder(layer));
      }
      for (int from = 0; from < train.size(); from += spec.batchSize()) {
        try (NDScope scope = new NDScope()) {
          NDList arrays = train.range(from, Math.min(train.size(), from + spec.batchSize()))
              .toArrays(manager);
          NDList inputs = Examples.inputs(arrays);
          scatters.startBatch(Examples.labels(arrays), model.calibrationMask(inputs));
          model.logits(inputs);
          scope.suppressNotUsedWarning();
        }
      }
    } finally {
      previous.forEach((layer, adapters) -> {
        layer.clearAdapters();
        adapters.forEach(layer::addAdapter);
      });
      Autograd.setRecording(recording);
    }
    for (WeightLayer layer : layers) {
      try (NDScope scope = new NDScope()) {
        TaskEnergy energy = scatters.energy(layer);
        int k90 = energy.kHolding(0.9);
        for (int k : curvePoints(energy.dimension())) {
          Map<String, Object> row = tables.row(init, layer.name(), SliceAxis.COLUMN, 0);
          row.remove("axis");
          row.remove("rank");
          row.put("k", k);
          row.put("between_share", energy.betweenShare()[k - 1]);
          row.put("variance_share", energy.varianceShare()[k - 1]);
          row.put("dimension", energy.dimension());
          row.put("k90", k90);
          row.put("variance_share_at_k90", energy.varianceShare()[k90 - 1]);
          row.put("samples", energy.samples());
          tables.taskEnergy.add(row);
        }
        scope.suppressNotUsedWarning();
      }
    }
  }

  /** k = 1, 2, 4, ... below d, then d. */
  static List<Integer> curvePoints(int d) {
    List<Integer> out = new ArrayList<>();
    for (int k = 1; k < d; k *= 2) {
      out.add(k);
    }
    out.add(d);
    return out;
  }

  private void gradients(String init, Classifier model, List<WeightLayer> layers,
      Examples train, NDManager manager) {
    Map<String, SliceMatrix> gradients = GradientProbe.gradients(model, layers, train,
        spec.batchSize(), manager);
    for (SliceMatrix gradient : gradients.values()) {
      double squaredNorm = gradient.squaredNorm();
      for (GaussianNull.Slicing slicing : slicings(gradient)) {
        SliceGradientEnergy energy = SliceGradientEnergy.of(gradient, squaredNorm,
            slicing.axis(), slicing.rank(), slicing.starts());
        for (int p = 0; p < slicing.starts().length; p++) {
          Map<String, Object> row = tables.row(init, gradient.name(), slicing.axis(),
              slicing.rank());
          row.put("position", slicing.starts()[p]);
          row.put("gradient_share", energy.shares()[p]);
          row.put("parameter_share", energy.parameterShare());
          row.put("ratio", energy.ratio(p));
          tables.sliceGradientEnergy.add(row);
        }
      }
    }
  }

  private static double median(BalanceIndex[] draws, boolean cv) {
    double[] v = Arrays.stream(draws)
        .mapToDouble(b -> cv ? b.energyCv() : b.spectralDistance()).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String join(double[] values) {
    StringBuilder out = new StringBuilder();
    for (double v : values) {
      out.append(out.length() == 0 ? "" : " ").append(String.format("%.5g", v));
    }
    return out.toString();
  }
}
