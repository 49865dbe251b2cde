package org.slicelab.ablations.premises;

import java.util.List;
import java.util.Map;
import org.slicelab.ablations.method.MethodOptions;
import org.slicelab.ablations.model.Architecture;

/**
 * What {@code premises} measures, beside the trial options that pick the backbone, data, seed
 * and batch size.
 *
 * @param targets layer patterns (as the trial option {@code targets}; "all" = every weight layer)
 * @param ranks slice ranks
 * @param positions evenly spaced slice starts per (matrix, axis, rank)
 * @param randomPositions further random starts (seeded by the trial seed)
 * @param nullDraws Gaussian matrices simulated per layer shape for the null
 */
public record PremisesSettings(String targets, List<Integer> ranks, int positions,
    int randomPositions, int nullDraws) implements java.io.Serializable {

  /** The defaults: every weight layer, ranks 1, 5, 8, 16 even + 4 random starts, 20 null draws. */
  public static PremisesSettings defaults() {
    return new PremisesSettings(MethodOptions.DEFAULT_TARGETS, List.of(1, 5, 8), 16, 4, 20);
  }

  /** Checks the numbers. */
  public PremisesSettings {
    ranks = List.copyOf(ranks);
    if (ranks.isEmpty() || ranks.stream().anyMatch(r -> r < 1)) {
      throw new IllegalArgumentException("option 'ranks' = " + ranks
          + " is invalid: give one or more positive ranks");
    }
    if (positions < 1 || randomPositions < 0 || nullDraws < 1) {
      throw new IllegalArgumentException("options 'positions' (>= 1), 'random_positions' (>= 0)"
          + " and 'null_draws' (>= 1) are invalid: got " + positions + ", " + randomPositions
          + ", " + nullDraws);
    }
  }

  /**
   * The targeted layers' shapes; throws before any work when a pattern matches no layer or a
   * rank fits no axis of any targeted layer. A rank larger than one axis of one layer (MobileNetV2's
   * first convolution has 3 input channels) only skips that (layer, axis, rank) case.
   */
  public Map<String, Architecture.LayerShape> check(Architecture architecture) {
    Map<String, Architecture.LayerShape> shapes = MethodOptions.targetShapes(architecture,
        MethodOptions.targetList(targets));
    int widest = shapes.values().stream()
        .mapToInt(s -> Math.max(s.rows(), s.columns())).max().orElse(0);
    for (int rank : ranks) {
      if (rank > widest) {
        throw new IllegalArgumentException("option 'ranks' value " + rank + " is invalid: "
            + "larger than every axis of every targeted layer (the widest has " + widest
            + " units); use smaller ranks or other 'targets'");
      }
    }
    return shapes;
  }
}
