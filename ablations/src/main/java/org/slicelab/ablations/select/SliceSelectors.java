package org.slicelab.ablations.select;

import java.util.List;

/** Builds the selector named by a trial's {@code selector} option. */
public final class SliceSelectors {
  /** Every selector value, in help order. */
  public static final List<String> SELECTORS = List.of("position", "wanda:most", "wanda:least",
      "wanda:mixed", "wanda:random", "wanda-window:most", "wanda-window:least", "lth:good",
      "lth:bad");

  private SliceSelectors() {
  }

  /**
   * {@code position}, {@code wanda:<most|least|mixed|random>}, {@code wanda-window:<most|least>},
   * {@code lth:<good|bad>}; anything else is an {@link IllegalArgumentException} naming the
   * option and listing the allowed values.
   */
  public static SliceSelector create(String selector) {
    if (selector != null) {
      int colon = selector.indexOf(':');
      String family = colon < 0 ? selector : selector.substring(0, colon);
      String category = colon < 0 ? null : selector.substring(colon + 1);
      if (category == null && family.equals("position")) {
        return new PositionSelector();
      }
      if (category != null) {
        switch (family) {
          case "wanda" -> {
            if (WandaSelector.CATEGORIES.contains(category)) {
              return new WandaSelector(category, false);
            }
          }
          case "wanda-window" -> {
            if (WandaSelector.WINDOW_CATEGORIES.contains(category)) {
              return new WandaSelector(category, true);
            }
          }
          case "lth" -> {
            if (LotteryTicketSelector.CATEGORIES.contains(category)) {
              return new LotteryTicketSelector(category);
            }
          }
          default -> {
          }
        }
      }
    }
    throw new IllegalArgumentException("trial option 'selector' = " + selector
        + " is invalid: must be one of " + SELECTORS);
  }
}
