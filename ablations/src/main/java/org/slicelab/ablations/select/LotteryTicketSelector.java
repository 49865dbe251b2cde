package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;

/**
 * {@code lth:good} / {@code lth:bad}: the r rows or columns with the highest / lowest kept
 * density in the winning lottery-ticket mask ({@link LotteryTicketMasks}). Ties in density are
 * broken by the last round's fine-tuned magnitude (sum of |W| of the row or column): larger first
 * for {@code good}, smaller first for {@code bad} (ours: "bad" means least important on both
 * counts); remaining ties by lower index.
 */
public final class LotteryTicketSelector implements SliceSelector {
  /** Categories of {@code lth:}. */
  public static final List<String> CATEGORIES = List.of("good", "bad");

  private final boolean good;

  /** {@code good} or {@code bad}. */
  public LotteryTicketSelector(String category) {
    if (!CATEGORIES.contains(category)) {
      throw new IllegalArgumentException("trial option 'selector' = lth:" + category
          + " is invalid: category must be one of " + CATEGORIES);
    }
    this.good = category.equals("good");
  }

  @Override
  public Map<String, int[]> select(Classifier model, List<? extends WeightLayer> layers, SliceAxis axis,
      SelectionContext context) {
    int rank = context.window().rank();
    for (WeightLayer layer : layers) {
      axis.checkRank(rank, layer);
    }
    MaskSummary masks = LotteryTicketMasks.obtain(
        layers.stream().map(WeightLayer::name).toList(), model.head().units(SliceAxis.ROW),
        context);
    Map<String, int[]> out = new LinkedHashMap<>();
    for (WeightLayer layer : layers) {
      MaskSummary.LayerDensity d = masks.layers().get(layer.name());
      out.put(layer.name(), choose(d.density(axis), d.magnitude(axis), rank, good));
    }
    return out;
  }

  /**
   * Sorted indices of the {@code r} densest ({@code good}) or sparsest rows/columns; density ties
   * go to the larger magnitude for good, the smaller for bad; then to the lower index.
   */
  public static int[] choose(double[] density, float[] magnitude, int r, boolean good) {
    if (density.length != magnitude.length || r > density.length || r < 0) {
      throw new IllegalArgumentException("cannot choose " + r + " of " + density.length
          + " (with " + magnitude.length + " magnitudes)");
    }
    Comparator<Integer> order = Comparator.<Integer>comparingDouble(i -> density[i])
        .thenComparingDouble(i -> magnitude[i]);
    if (good) {
      order = order.reversed();
    }
    order = order.thenComparingInt(i -> i);
    int[] out = IntStream.range(0, density.length).boxed().sorted(order).limit(r)
        .mapToInt(Integer::intValue).toArray();
    Arrays.sort(out);
    return out;
  }
}
