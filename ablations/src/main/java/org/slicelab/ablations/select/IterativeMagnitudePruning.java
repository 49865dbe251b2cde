package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.train.TrainingOptions;

/**
 * Iterative magnitude pruning with rewinding (Frankle and Carbin 2019; Chen et al. 2020 for
 * BERT), for R = {@code rounds} rounds and target sparsity s:
 * <ol>
 *   <li>build a fresh classifier from the pretrained weights (head drawn with the trial seed, as
 *       in the trial itself) in a child manager and zero the masked entries of the targeted
 *       matrices;</li>
 *   <li>fully fine-tune it with the {@link MaskedTraining} of the request ({@link TrainingLoop};
 *       masked entries stay exactly zero in every forward pass) on the trial's training set with
 *       the settings' epochs, batch size, learning rate, warm-up, weight decay, clipping and
 *       seed;</li>
 *   <li>prune by global magnitude over all targeted matrices down to
 *       {@code round(N (1 - s)^(k/R))} kept entries after round k: the per-round rate of the
 *       remaining weights is {@code p = 1 - (1 - s)^(1/R)} and the last round lands exactly on s
 *       (ties at the threshold: earlier layer, then lower flat index, are pruned first);</li>
 *   <li>rewind: the next round starts again from the pretrained weights.</li>
 * </ol>
 * The result keeps what selection needs ({@link MaskSummary}).
 */
public final class IterativeMagnitudePruning {
  private IterativeMagnitudePruning() {
  }

  /** Runs the pruning for {@code settings} on the data and fine-tuning of {@code context}. */
  public static MaskSummary run(LotteryTicketMasks.Settings settings, SelectionContext context) {
    Autograd.ensureEngine();
    long start = System.nanoTime();
    SelectionData data = context.data();
    List<String> names = settings.layers();
    List<boolean[]> masks = new ArrayList<>();
    List<float[]> tuned = new ArrayList<>();
    int[][] shapes = new int[names.size()][];
    long total = 0;
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try {
      for (int round = 1; round <= settings.rounds(); round++) {
        tuned.clear();
        try (NDManager manager = context.manager().newSubManager()) {
          Classifier model = data.classifiers().create(manager, settings.numClasses(),
              settings.seed());
          Map<String, WeightLayer> byName = new LinkedHashMap<>();
          model.weightLayers().forEach(l -> byName.put(l.name(), l));
          byName.put(model.head().name(), model.head());
          List<NDArray> weights = new ArrayList<>();
          List<NDArray> maskArrays = new ArrayList<>();
          for (int i = 0; i < names.size(); i++) {
            WeightLayer layer = byName.get(names.get(i));
            if (layer == null) {
              throw new IllegalArgumentException("lottery-ticket target '" + names.get(i)
                  + "' is not a weight layer of the classifier");
            }
            if (round == 1) {
              shapes[i] = new int[] {layer.units(SliceAxis.ROW), layer.units(SliceAxis.COLUMN),
                  layer.taps(), layer.unitsShared() ? 1 : 0};
              boolean[] all = new boolean[Math.toIntExact(layer.weight().size())];
              Arrays.fill(all, true);
              masks.add(all);
              total += all.length;
            }
            NDArray mask = manager.create(toFloats(masks.get(i)), layer.weight().getShape());
            layer.weight().muli(mask);
            weights.add(layer.weight());
            maskArrays.add(mask);
          }
          TrainingLoop.train(model, context.maskedTraining().attach(model, weights, maskArrays),
              data.train(), manager, new TrainingOptions(settings.epochs(),
                  settings.batchSize(), settings.lr(), settings.warmupFraction(),
                  settings.weightDecay(), settings.gradClip(), settings.seed()));
          for (NDArray w : weights) {
            tuned.add(w.toFloatArray());
          }
        }
        long target = Math.round(total * Math.pow(1 - settings.sparsity(),
            (double) round / settings.rounds()));
        prune(masks, tuned, target);
      }
    } finally {
      Autograd.setRecording(recording);
    }
    Map<String, MaskSummary.LayerDensity> layers = new LinkedHashMap<>();
    long kept = 0;
    for (int i = 0; i < names.size(); i++) {
      MaskSummary.LayerDensity d = MaskSummary.LayerDensity.of(names.get(i), shapes[i][0],
          shapes[i][1], shapes[i][2], shapes[i][3] == 1, masks.get(i), tuned.get(i));
      kept += d.kept();
      layers.put(d.name(), d);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new MaskSummary(settings.key(), Collections.unmodifiableMap(layers), total, kept,
        seconds);
  }

  private static float[] toFloats(boolean[] mask) {
    float[] out = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      out[i] = mask[i] ? 1f : 0f;
    }
    return out;
  }

  /**
   * Prunes (sets to false) the kept entries with the smallest |weight| over all matrices until
   * {@code target} remain; ties at the threshold go in layer order, then flat index. Returns the
   * number kept.
   */
  static long prune(List<boolean[]> masks, List<float[]> weights, long target) {
    long kept = 0;
    for (boolean[] m : masks) {
      for (boolean b : m) {
        kept += b ? 1 : 0;
      }
    }
    long toPrune = kept - Math.max(0, target);
    if (toPrune <= 0) {
      return kept;
    }
    float[] magnitudes = new float[Math.toIntExact(kept)];
    int n = 0;
    for (int l = 0; l < masks.size(); l++) {
      boolean[] m = masks.get(l);
      float[] w = weights.get(l);
      for (int i = 0; i < m.length; i++) {
        if (m[i]) {
          magnitudes[n++] = Math.abs(w[i]);
        }
      }
    }
    Arrays.sort(magnitudes);
    float threshold = magnitudes[(int) toPrune - 1];
    long below = 0;
    while (below < magnitudes.length && magnitudes[(int) below] < threshold) {
      below++;
    }
    long atThreshold = toPrune - below;
    for (int l = 0; l < masks.size(); l++) {
      boolean[] m = masks.get(l);
      float[] w = weights.get(l);
      for (int i = 0; i < m.length; i++) {
        if (!m[i]) {
          continue;
        }
        float a = Math.abs(w[i]);
        if (a < threshold) {
          m[i] = false;
        } else if (a == threshold && atThreshold > 0) {
          m[i] = false;
          atThreshold--;
        }
      }
    }
    return kept - toPrune;
  }
}
