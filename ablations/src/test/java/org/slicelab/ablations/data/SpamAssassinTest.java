package org.slicelab.ablations.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The default split of the real corpus. */
class SpamAssassinTest {
  @Test
  void defaultSplitIs602020StratifiedAndCached() {
    DatasetSplits splits = SpamAssassin.splits();
    int total = SpamAssassinCorpus.get().texts().size();
    assertEquals(total,
        splits.train().size() + splits.validation().size() + splits.test().size());
    assertEquals(0.2, splits.test().size() / (double) total, 0.01);
    assertEquals(0.2, splits.validation().size() / (double) total, 0.01);
    double share = SpamAssassinCorpus.get().count(LabeledText.SPAM) / (double) total;
    DatasetSplitsTest.assertStratifiedAndDisjoint(splits, share);
    assertSame(splits, SpamAssassin.splits());
    assertEquals(SpamAssassinCorpus.SHA256_HEX, SpamAssassin.checksum());
  }

  @Test
  void loadGivesTheTrialSizesWithAFixedTestSet() {
    DatasetSplits a = SpamAssassin.load(200, 400, 800, 1, 0);
    DatasetSplits b = SpamAssassin.load(200, 400, 800, 2, 0);
    assertEquals(200, a.train().size());
    assertEquals(400, a.validation().size());
    assertEquals(800, a.test().size());
    assertEquals(a.test(), b.test());
    assertEquals(a.validation(), b.validation());
    assertNotEquals(a.train(), b.train());
  }

  @Test
  void tooLargeTrainSizeNamesTheOptionAndLimit() {
    int limit = SpamAssassin.splits().train().size();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpamAssassin.load(9000, 400, 800, 1, 0));
    assertEquals("trial option 'train_size' = 9000 is invalid: must be at most " + limit
        + " (the training split)", e.getMessage());
    assertTrue(limit > 3000, "training split: " + limit);
  }
}
