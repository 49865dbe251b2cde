package org.slicelab.ablations.select;

/** Builds the selector named by a trial's {@code selector} option. */
public final class SliceSelectors {
  private SliceSelectors() {
  }

  /** {@code position}, {@code wanda:<category>}, {@code wanda-window:<most|least>}, {@code lth:<good|bad>}. */
  public static SliceSelector create(String selector) {
    if (selector.equals("position")) {
      return new PositionSelector();
    }
    throw new IllegalArgumentException("trial option 'selector' = " + selector
        + " is invalid: must be one of " + org.slicelab.ablations.trial.TrialSpec.SELECTORS);
  }
}
