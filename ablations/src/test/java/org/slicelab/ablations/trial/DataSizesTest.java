package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.LabeledText;

/** Default data sizes fit any data set; sizes a user gives must fit. */
class DataSizesTest {
  /** A small data set, as a user's table could be: 60 train, 30 validation, 20 test. */
  private static final DatasetSplits SMALL = new DatasetSplits(texts("tr", 60), texts("va", 30),
      texts("te", 20));

  private static List<LabeledText> texts(String prefix, int n) {
    List<LabeledText> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new LabeledText(prefix + i, "", "text " + i, i % 2));
    }
    return out;
  }

  @Test
  void defaultSizesAreCappedAtTheirSplitAndTheIdKeepsTheDefault() {
    TrialSpec defaults = TrialSpec.builder().build();
    assertEquals(new DataSizes(60, 30, 20), DataSizes.of(defaults, SMALL));
    DataSizes.check(defaults, SMALL, Set.of());
    assertTrue(defaults.toJson().contains("\"test_size\":800"), "canonical form unchanged");
    assertEquals(3, DataSizes.of(defaults, SMALL).capNotes(defaults).size());

    TrialSpec fits = TrialSpec.builder().trainSize(50).valSize(10).testSize(20).build();
    assertEquals(new DataSizes(50, 10, 20), DataSizes.of(fits, SMALL));
    assertTrue(DataSizes.of(fits, SMALL).capNotes(fits).isEmpty());
  }

  @Test
  void givenSizesThatDoNotFitAreRejectedNamingTheOption() {
    TrialSpec big = TrialSpec.builder().testSize(21).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSizes.check(big, SMALL, Set.of()));
    assertEquals("trial option 'test_size' = 21 is invalid: must be at most 20 (the test split)",
        e.getMessage());
    assertEquals(21, DataSizes.of(big, SMALL).test(), "not capped: the load fails as before");

    TrialSpec atDefault = TrialSpec.builder().build();
    e = assertThrows(IllegalArgumentException.class,
        () -> DataSizes.check(atDefault, SMALL, Set.of("val_size")));
    assertEquals("trial option 'val_size' = 400 is invalid: must be at most 30 (the validation "
        + "split)", e.getMessage());
  }
}
