package org.slicelab.ablations.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The step-0 slice energy of SliceFine trials on the default backbone (MiniLM, its six
 * output.dense layers of 384 rows), made small: known answers from the slices' geometry.
 */
class TrialSliceEnergyTest {

  private static TrialSpec slice(long seed, String mode, int rank, String position,
      String selector) {
    return TrialSpec.builder().method("slicefine").dataset("sentiment-sentences")
        .targets("output.dense").trainSize(12).maxLen(8).batchSize(5).seed(seed).mode(mode)
        .rank(rank).position(position).selector(selector).build();
  }

  @Test
  void sharesAddUpOverDisjointSlicesReachOneForTheWholeAxisAndDependOnTheSeed() {
    TrialSpec first = slice(1, "row", 1, "0", "position");
    TrialSpec second = slice(1, "row", 1, "1", "position");
    TrialSpec both = slice(1, "row", 2, "0", "position");
    TrialSpec whole = slice(1, "row", 384, "0", "position");
    TrialSpec columns = slice(1, "column", 1536, "0", "position");
    TrialSpec otherSeed = slice(2, "row", 1, "0", "position");
    TrialSpec wanda = slice(1, "row", 2, "0", "wanda:most");
    Map<String, TrialSliceEnergy> energy = TrialSliceEnergy.measure(
        List.of(first, second, both, whole, columns, otherSeed, wanda), TrialResources.shared());

    double a = energy.get(first.trialId()).share();
    double b = energy.get(second.trialId()).share();
    assertTrue(a > 0 && b > 0 && a < 1, a + " " + b);
    assertEquals(a + b, energy.get(both.trialId()).share(), 1e-12, "rows 0 and 1 = rows 0..1");
    assertEquals(1.0, energy.get(whole.trialId()).share(), 1e-12);
    assertEquals(1.0, energy.get(columns.trialId()).share(), 1e-12);
    assertEquals(6, energy.get(first.trialId()).layers());
    // one gradient per seed: the totals agree within the seed, the head (drawn with the seed)
    // and the training sample change with it
    assertEquals(energy.get(first.trialId()).totalEnergy(),
        energy.get(whole.trialId()).totalEnergy(), 0.0);
    assertNotEquals(a, energy.get(otherSeed.trialId()).share());
    // Wanda's most important rows are chosen by the selector, as in the trial
    double most = energy.get(wanda.trialId()).share();
    assertTrue(most > 0 && most < 1, String.valueOf(most));
  }

  @Test
  void aTrialOfAnotherMethodIsRefusedBeforeAnyWork() {
    TrialSpec full = TrialSpec.builder().method("full").dataset("sentiment-sentences").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrialSliceEnergy.measure(List.of(full), TrialResources.shared()));
    assertTrue(e.getMessage().contains("not a static SliceFine trial"), e.getMessage());
  }
}
