package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;

/**
 * Wanda importance (Sun et al. 2023): {@code S_ij = |W_ij| * ||X_:,j||_2}, where
 * {@code ||X_:,j||} is the L2 norm of input unit j of the layer over a calibration set (the
 * first {@code calib_size} training examples, padding tokens excluded) run through the model as
 * given (frozen, autograd off). A row's score is the sum of S over the row, a column's the sum over
 * the column. On a convolution an input unit is a channel: its norm runs over every position of
 * every calibration image, and a row or column sums over every kernel tap too (the im2col view,
 * where a channel's columns are its shifted copies).
 *
 * <ul>
 *   <li>{@code wanda:most} / {@code wanda:least}: the r highest / lowest scores (ties: lower
 *       index first, ours);</li>
 *   <li>{@code wanda:mixed}: ceil(r/2) highest plus floor(r/2) lowest of the rest;</li>
 *   <li>{@code wanda:random}: r indices drawn uniformly without replacement from a
 *       {@link Random} seeded by the trial seed and the layer name (needs no calibration,
 *       so none is run; ours);</li>
 *   <li>{@code wanda-window:most|least}: the contiguous window {@code [p, p+r)} with the
 *       highest / lowest summed score (ties: smallest p).</li>
 * </ul>
 *
 * <p>Calibration attaches a recording {@link InputNormRecorder} to every requested layer, runs
 * all calibration batches once (batch size = the trial's {@code batch_size}, ours), and then
 * restores each layer's previous adapter list.
 */
public final class WandaSelector implements SliceSelector {
  /** Categories of {@code wanda:}. */
  public static final List<String> CATEGORIES = List.of("most", "least", "mixed", "random");
  /** Categories of {@code wanda-window:}. */
  public static final List<String> WINDOW_CATEGORIES = List.of("most", "least");

  private final String category;
  private final boolean window;

  /** A selector for {@code category}; {@code window} picks the contiguous-window variant. */
  public WandaSelector(String category, boolean window) {
    List<String> allowed = window ? WINDOW_CATEGORIES : CATEGORIES;
    if (!allowed.contains(category)) {
      throw new IllegalArgumentException("trial option 'selector' = "
          + (window ? "wanda-window:" : "wanda:") + category + " is invalid: category must be one of "
          + allowed);
    }
    this.category = category;
    this.window = window;
  }

  @Override
  public Map<String, int[]> select(Classifier model, List<? extends WeightLayer> layers, SliceAxis axis,
      SelectionContext context) {
    int rank = context.window().rank();
    for (WeightLayer layer : layers) {
      axis.checkRank(rank, layer);
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    if (!window && category.equals("random")) {
      for (WeightLayer layer : layers) {
        out.put(layer.name(), randomChoice(axis.dimension(layer), rank,
            randomFor(context.training().seed(), layer.name())));
      }
      return out;
    }
    Examples train = context.data().train();
    Examples calibration = train.range(0, Math.min(context.selection().calibSize(), train.size()));
    Map<String, double[]> norms = calibrate(model, layers, calibration,
        context.training().batchSize(), context.manager());
    for (WeightLayer layer : layers) {
      double[] s = scores(layer, norms.get(layer.name()), axis);
      out.put(layer.name(), window ? bestWindow(s, rank, category.equals("most"))
          : choose(s, rank, category, null));
    }
    return out;
  }

  /**
   * The L2 norm of every input unit of every layer over {@code data} (padding excluded),
   * computed in one pass of the model with autograd off. Layers keep their previous adapters.
   */
  public static Map<String, double[]> calibrate(Classifier model, List<? extends WeightLayer> layers,
      Examples data, int batchSize, NDManager manager) {
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    Map<WeightLayer, List<LayerAdapter>> previous = new LinkedHashMap<>();
    Map<String, InputNormRecorder> recorders = new LinkedHashMap<>();
    try {
      for (WeightLayer layer : layers) {
        previous.put(layer, layer.adapters());
        InputNormRecorder recorder = new InputNormRecorder(layer);
        recorders.put(layer.name(), recorder);
        layer.addAdapter(recorder);
      }
      for (int from = 0; from < data.size(); from += batchSize) {
        int to = Math.min(data.size(), from + batchSize);
        try (NDScope scope = new NDScope()) {
          NDList inputs = Examples.inputs(data.range(from, to).toArrays(manager));
          NDArray mask = model.calibrationMask(inputs);
          recorders.values().forEach(r -> r.setMask(mask));
          model.logits(inputs);
          recorders.values().forEach(r -> r.setMask(null));
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
    Map<String, double[]> out = new LinkedHashMap<>();
    recorders.forEach((name, r) -> out.put(name, r.norms()));
    return out;
  }

  /**
   * Row or column Wanda scores of a weight [rows, cols] (row-major) given input-feature norms
   * [cols]: row i = sum_j |W_ij| n_j; column j = n_j sum_i |W_ij|.
   */
  public static double[] scores(float[] weight, int rows, int cols, double[] norms,
      SliceAxis axis) {
    return scores(weight, rows, cols, 1, false, norms, axis);
  }

  /** Row or column Wanda scores of a weight layer, given the norms of its input units. */
  public static double[] scores(WeightLayer layer, double[] norms, SliceAxis axis) {
    return scores(layer.weight().toFloatArray(), layer.units(SliceAxis.ROW),
        layer.units(SliceAxis.COLUMN), layer.taps(), layer.unitsShared(), norms, axis);
  }

  /**
   * Row or column Wanda scores of a weight stored [rows, inputs, taps] (row-major; depthwise with
   * {@code unitsShared}: [rows, 1, taps], input unit i being row i) given input-unit norms:
   * S = |W| n (n of the entry's input unit), summed over each row or each input unit.
   */
  static double[] scores(float[] weight, int rows, int cols, int taps, boolean unitsShared,
      double[] norms, SliceAxis axis) {
    int inputs = unitsShared ? 1 : cols;
    if (norms.length != cols || weight.length != rows * inputs * taps) {
      throw new IllegalArgumentException("weight [" + rows + ", " + inputs + ", " + taps
          + "] with " + weight.length + " values and " + norms.length
          + " input norms do not match");
    }
    double[] out = new double[axis == SliceAxis.ROW ? rows : cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < inputs; j++) {
        int unit = unitsShared ? i : j;
        double n = norms[unit];
        double sum = 0;
        for (int t = 0; t < taps; t++) {
          sum += Math.abs(weight[(i * inputs + j) * taps + t]);
        }
        out[axis == SliceAxis.ROW ? i : unit] += sum * n;
      }
    }
    return out;
  }

  /**
   * Sorted indices of {@code r} entries of {@code scores} by category {@code most}, {@code least},
   * {@code mixed} or {@code random} ({@code random} uses {@code rng}). Ties: lower index first.
   */
  public static int[] choose(double[] scores, int r, String category, Random rng) {
    int n = scores.length;
    if (r > n || r < 0) {
      throw new IllegalArgumentException("cannot choose " + r + " of " + n + " indices");
    }
    Integer[] descending = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .toArray(Integer[]::new);
    Integer[] ascending = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
        .toArray(Integer[]::new);
    int[] out;
    switch (category.toLowerCase(Locale.ROOT)) {
      case "most" -> out = firstN(descending, r);
      case "least" -> out = firstN(ascending, r);
      case "mixed" -> {
        int high = (r + 1) / 2;
        boolean[] taken = new boolean[n];
        out = new int[r];
        for (int k = 0; k < high; k++) {
          out[k] = descending[k];
          taken[descending[k]] = true;
        }
        int k = high;
        for (int idx = 0; k < r; idx++) {
          if (!taken[ascending[idx]]) {
            out[k++] = ascending[idx];
          }
        }
      }
      case "random" -> out = randomChoice(n, r, rng);
      default -> throw new IllegalArgumentException("unknown Wanda category '" + category
          + "'; allowed: " + CATEGORIES);
    }
    Arrays.sort(out);
    return out;
  }

  private static int[] firstN(Integer[] order, int r) {
    int[] out = new int[r];
    for (int k = 0; k < r; k++) {
      out[k] = order[k];
    }
    return out;
  }

  /** {@code r} distinct indices of {@code [0, n)} drawn uniformly (partial Fisher-Yates), sorted. */
  public static int[] randomChoice(int n, int r, Random rng) {
    int[] pool = IntStream.range(0, n).toArray();
    for (int k = 0; k < r; k++) {
      int j = k + rng.nextInt(n - k);
      int tmp = pool[k];
      pool[k] = pool[j];
      pool[j] = tmp;
    }
    int[] out = Arrays.copyOf(pool, r);
    Arrays.sort(out);
    return out;
  }

  /** The generator for {@code wanda:random} on one layer: seeded by trial seed and layer name. */
  public static Random randomFor(long seed, String layerName) {
    long mixed = seed * 0x9E3779B97F4A7C15L + layerName.hashCode();
    mixed ^= mixed >>> 31;
    return new Random(mixed);
  }

  /**
   * The window {@code [p, p+r)} with the highest ({@code most}) or lowest summed score; ties go to
   * the smallest p.
   */
  public static int[] bestWindow(double[] scores, int r, boolean most) {
    int n = scores.length;
    if (r > n || r <= 0) {
      throw new IllegalArgumentException("cannot place a window of " + r + " in " + n);
    }
    double sum = 0;
    for (int i = 0; i < r; i++) {
      sum += scores[i];
    }
    double best = sum;
    int bestStart = 0;
    for (int p = 1; p + r <= n; p++) {
      sum += scores[p + r - 1] - scores[p - 1];
      if (most ? sum > best : sum < best) {
        best = sum;
        bestStart = p;
      }
    }
    return SliceSelector.window(bestStart, r);
  }

  /**
   * A pass-through adapter that accumulates, per input unit, the sum of squares of the layer
   * input over every real position ({@link WeightLayer#inputUnitSquares}). Text inputs [B, L, d]
   * are multiplied by the batch's mask [B, L, 1] (1 = real token); the head's pooled input [B, d]
   * and images have no padding.
   */
  public static final class InputNormRecorder implements LayerAdapter {
    private final WeightLayer layer;
    private final double[] sumSquares;
    private NDArray mask;

    /** A recorder for {@code layer}'s input units. */
    public InputNormRecorder(WeightLayer layer) {
      this.layer = layer;
      this.sumSquares = new double[layer.units(SliceAxis.COLUMN)];
    }

    /** The mask of the batch about to run (null: every position is real). */
    public void setMask(NDArray mask) {
      this.mask = mask;
    }

    @Override
    public NDArray apply(NDArray x, NDArray y) {
      boolean masked = mask != null && x.getShape().dimension() == mask.getShape().dimension();
      float[] batchSums = layer.inputUnitSquares(x, masked ? mask : null).toFloatArray();
      for (int j = 0; j < batchSums.length; j++) {
        sumSquares[j] += batchSums[j];
      }
      return y;
    }

    @Override
    public void mergeInto(WeightLayer target) {
      // records only: nothing to fold
    }

    /** The L2 norm of every input feature so far. */
    public double[] norms() {
      double[] out = new double[sumSquares.length];
      for (int j = 0; j < out.length; j++) {
        out[j] = Math.sqrt(sumSquares[j]);
      }
      return out;
    }
  }
}
