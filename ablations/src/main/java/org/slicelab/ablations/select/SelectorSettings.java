package org.slicelab.ablations.select;

import java.util.Map;
import org.slicelab.ablations.config.Option;

/**
 * The settings of slice selection (SliceFine's static slices): which selector, and what Wanda
 * and the lottery-ticket masks need.
 *
 * @param selector a value of {@link SliceSelectors#SELECTORS}
 * @param calibSize Wanda calibration examples
 * @param lthSparsity lottery-ticket mask sparsity
 * @param lthRounds lottery-ticket pruning rounds
 */
public record SelectorSettings(String selector, int calibSize, double lthSparsity,
    int lthRounds) {
  /** Option {@code selector}. */
  public static final Option<String> SELECTOR = Option.oneOf("selector", "position",
      "slice selector: " + SliceSelectors.SELECTORS, SliceSelectors.SELECTORS);
  /** Option {@code calib_size}. */
  public static final Option<Integer> CALIB_SIZE = Option.positive("calib_size", 128,
      "Wanda calibration examples from the training split");
  /** Option {@code lth_sparsity}. */
  public static final Option<Double> LTH_SPARSITY = Option.number("lth_sparsity", 0.5,
      "lottery-ticket mask sparsity (fraction of targeted weights pruned)",
      v -> v > 0 && v < 1, "a number in (0, 1)");
  /** Option {@code lth_rounds}. */
  public static final Option<Integer> LTH_ROUNDS = Option.positive("lth_rounds", 3,
      "lottery-ticket pruning rounds");

  /** The selector settings in a checked option map. */
  public static SelectorSettings from(Map<String, ?> values) {
    return new SelectorSettings(SELECTOR.in(values), CALIB_SIZE.in(values),
        LTH_SPARSITY.in(values), LTH_ROUNDS.in(values));
  }
}
