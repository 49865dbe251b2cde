package org.slicelab.spark.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slicelab.ablations.backbone.LinearAdapter;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.method.SliceAdapter;
import org.slicelab.ablations.method.SliceFine;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.train.Losses;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.trial.TrialResources;

/**
 * Not a test: a measurement of two candidate speed-ups for {@code org.slicelab.ablations}, run
 * by hand ({@code java -cp test-classes:app.jar:deps org.slicelab.spark.bench.SpeedupPrototype
 * [rounds] [threads]}). Interleaved rounds, medians, as the benchmark.
 *
 * <ol>
 *   <li>Slice adapters without the dense one-hot products: a ROW slice adds {@code x D^T} into
 *       the r output columns in place ({@code y[..., p:p+r] += x D^T}); a COLUMN slice reads the
 *       r input columns as a view ({@code x[..., p:p+r]}) instead of multiplying by a one-hot
 *       matrix, and adds in place. Gradients are checked against {@code SliceAdapter}'s.
 *   <li>AdamW with fewer full-size temporaries (in-place on the gradient, which is zeroed after
 *       the update anyway), timed on full fine-tuning's 22.6 M parameters.
 * </ol>
 */
public final class SpeedupPrototype {
  private SpeedupPrototype() {
  }

  /** Row or column slice on the window [start, start + r), applied in place. */
  static final class InPlaceSlice implements LinearAdapter {
    private final boolean row;
    private final int start;
    private final int rank;
    final NDArray delta;

    InPlaceSlice(LinearLayer layer, boolean row, int start, int rank, NDManager manager) {
      this.row = row;
      this.start = start;
      this.rank = rank;
      delta = row ? manager.zeros(new Shape(rank, layer.inFeatures()))
          : manager.zeros(new Shape(layer.outFeatures(), rank));
      delta.setRequiresGradient(true);
    }

    @Override
    public NDArray apply(NDArray x, NDArray y) {
      String window = "..., " + start + ":" + (start + rank);
      if (row) {
        NDArray low = Linear.linear(x, delta).singletonOrThrow();
        NDIndex idx = new NDIndex(window);
        y.set(idx, y.get(idx).add(low));
        return y;
      }
      NDArray xs = x.get(new NDIndex(window));
      return y.addi(Linear.linear(xs, delta).singletonOrThrow());
    }

    @Override
    public void mergeInto(LinearLayer layer) {
      throw new UnsupportedOperationException();
    }
  }

  private static double forwardBackward(TextClassifier model, EncodedDataset batch,
      NDManager manager) {
    long t0 = System.nanoTime();
    try (NDScope scope = new NDScope()) {
      NDList a = batch.toArrays(manager);
      Autograd.setRecording(true);
      try {
        NDArray loss = Losses.crossEntropy(model.logits(a.get(0), a.get(1), a.get(2)), a.get(3))
            .mean();
        Autograd.backward(loss);
      } finally {
        Autograd.setRecording(false);
      }
      scope.suppressNotUsedWarning();
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static TextClassifier prototypeModel(NDManager manager, boolean row, int rank,
      List<NDArray> deltas) {
    TrialResources res = TrialResources.shared();
    TextClassifier model = TextClassifier.create(manager, res.config(), res.pretrainedWeights(),
        2, 1);
    for (LinearLayer layer : model.encoder().linearLayers()) {
      InPlaceSlice s = new InPlaceSlice(layer, row, 0, rank, manager);
      layer.addAdapter(s);
      deltas.add(s.delta);
    }
    model.head().weight().setRequiresGradient(true);
    model.head().bias().setRequiresGradient(true);
    return model;
  }

  /** Entry point: {@code [rounds] [threads]}. */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Autograd.ensureEngine();
    if (args.length > 1) {
      JniUtils.setNumThreads(Integer.parseInt(args[1]));
    }
    Autograd.setRecording(false);
    BenchData data = BenchData.load(org.slicelab.ablations.backbone.Backbones.DEFAULT, 16, 128, 4,
        BenchRunner.DATA_SEED);
    NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");

    Map<String, Object[]> variants = new LinkedHashMap<>();
    for (String mode : List.of("row", "column")) {
      BenchCase current = new BenchCase(BenchMethod.parse("slicefine_r5_" + mode, 16, 128),
          data.batch(0));
      List<NDArray> deltas = new ArrayList<>();
      TextClassifier proto = prototypeModel(manager, mode.equals("row"), 5, deltas);
      // gradient check on one batch: same slice gradients
      forwardBackward(current.model(), data.batch(0), manager);
      forwardBackward(proto, data.batch(0), manager);
      double maxDiff = 0;
      double maxGrad = 0;
      List<SliceAdapter> slices = new ArrayList<>(
          ((SliceFine) current.tuning()).slices().values());
      for (int i = 0; i < slices.size(); i++) {
        NDArray a = slices.get(i).trainable().array().getGradient();
        NDArray b = deltas.get(i).getGradient();
        maxDiff = Math.max(maxDiff, a.sub(b).abs().max().getFloat());
        maxGrad = Math.max(maxGrad, a.abs().max().getFloat());
        Autograd.zeroGradient(slices.get(i).trainable().array());
        Autograd.zeroGradient(deltas.get(i));
      }
      for (Trainable t : current.tuning().trainables()) {
        t.zeroGradient();
      }
      System.err.printf(Locale.ROOT, "[proto] %s slice gradients: max |SliceAdapter - in-place|"
          + " = %.3g (largest |gradient| %.3g)%n", mode, maxDiff, maxGrad);
      variants.put("slicefine_r5_" + mode + " SliceAdapter", new Object[] {current.model()});
      variants.put("slicefine_r5_" + mode + " in-place", new Object[] {proto});
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    variants.keySet().forEach(k -> times.put(k, new ArrayList<>()));
    for (int r = 0; r < rounds + 1; r++) {
      List<String> keys = new ArrayList<>(variants.keySet());
      for (int i = 0; i < keys.size(); i++) {
        String k = keys.get((i + r) % keys.size());
        double ms = forwardBackward((TextClassifier) variants.get(k)[0], data.batch(r), manager);
        if (r > 0) {
          times.get(k).add(ms);
        }
      }
    }
    times.forEach((k, v) -> System.err.printf(Locale.ROOT,
        "[proto] forward+backward %-34s median %.0f ms [IQR %.0f-%.0f]%n", k,
        Stats.of(v).median(), Stats.of(v).q1(), Stats.of(v).q3()));

    if (rounds == 0) {
      System.exit(0);
    }
    // AdamW: project's vs fewer temporaries, on full fine-tuning's parameters
    BenchCase full = new BenchCase(BenchMethod.parse("full", 16, 128), data.batch(0));
    full.createOptimizer();
    full.step(data.batch(0));
    List<Trainable> params = full.tuning().trainables();
    org.slicelab.ablations.train.AdamW project =
        new org.slicelab.ablations.train.AdamW(params, 0.0, 1.0);
    LeanAdamW lean = new LeanAdamW(params, 1.0);
    List<Double> projectMs = new ArrayList<>();
    List<Double> leanMs = new ArrayList<>();
    for (int r = 0; r < rounds + 1; r++) {
      for (int which = 0; which < 2; which++) {
        boolean first = (which + r) % 2 == 0;
        forwardBackward(full.model(), data.batch(r), manager);
        long t0 = System.nanoTime();
        try (NDScope scope = new NDScope()) {
          if (first) {
            project.step(1e-5);
          } else {
            lean.step(1e-5);
          }
          scope.suppressNotUsedWarning();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r > 0) {
          (first ? projectMs : leanMs).add(ms);
        }
      }
    }
    System.err.printf(Locale.ROOT, "[proto] AdamW on 22.6 M params: project %.0f ms [%.0f-%.0f],"
            + " fewer temporaries %.0f ms [%.0f-%.0f]%n", Stats.of(projectMs).median(),
        Stats.of(projectMs).q1(), Stats.of(projectMs).q3(), Stats.of(leanMs).median(),
        Stats.of(leanMs).q1(), Stats.of(leanMs).q3());
    System.exit(0);
  }

  /** AdamW (no weight decay) with global-norm clipping and 2 full-size temporaries per tensor. */
  static final class LeanAdamW {
    private final List<Trainable> trainables;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double clip;
    private int steps;

    LeanAdamW(List<Trainable> trainables, double clip) {
      this.trainables = trainables;
      this.clip = clip;
      for (Trainable t : trainables) {
        NDArray a = t.gradient().zerosLike();
        NDArray b = t.gradient().zerosLike();
        NDScope.unregister(a, b);
        m.add(a);
        v.add(b);
      }
    }

    void step(double lr) {
      steps++;
      List<NDArray> grads = new ArrayList<>();
      double sq = 0;
      for (Trainable t : trainables) {
        NDArray g = t.gradient();
        grads.add(g);
        float n = g.norm().getFloat();
        sq += (double) n * n;
      }
      double norm = Math.sqrt(sq);
      float scale = clip > 0 && norm > clip ? (float) (clip / (norm + 1e-6)) : 1f;
      double bias1 = 1 - Math.pow(0.9, steps);
      double bias2 = 1 - Math.pow(0.999, steps);
      for (int i = 0; i < trainables.size(); i++) {
        NDArray g = grads.get(i);
        if (scale != 1f) {
          g.muli(scale);
        }
        v.get(i).muli(0.999f).addi(g.square().muli(0.001f));           // temp 1
        m.get(i).muli(0.9f).addi(g.muli(0.1f));                         // in place on g
        NDArray step = v.get(i).div((float) bias2).powi(0.5f).addi(1e-8f)  // temp 2
            .powi(-1f).muli(m.get(i)).muli((float) (-lr / bias1));
        trainables.get(i).update(step);
        trainables.get(i).zeroGradient();
      }
    }
  }
}
