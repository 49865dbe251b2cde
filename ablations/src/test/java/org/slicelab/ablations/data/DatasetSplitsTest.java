package org.slicelab.ablations.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSplitsTest {
  /** 1,000 items, 30% spam, in label blocks (so an unstratified split would show it). */
  private static List<LabeledText> synthetic() {
    List<LabeledText> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int label = i < 300 ? 1 : 0;
      all.add(new LabeledText("m" + i, label == 1 ? "spam-1" : "easy-ham-1", "text " + i, label));
    }
    return all;
  }

  private static DatasetSplits<LabeledText> defaultSplits(long seed) {
    return DatasetSplits.stratified(synthetic(), DatasetSplits.VAL_FRACTION,
        DatasetSplits.TEST_FRACTION, seed);
  }

  private static double spamShare(List<LabeledText> texts) {
    return texts.stream().filter(t -> t.label() == 1).count() / (double) texts.size();
  }

  private static Set<String> ids(List<LabeledText> texts) {
    Set<String> ids = new HashSet<>();
    texts.forEach(t -> ids.add(t.id()));
    return ids;
  }

  static void assertStratifiedAndDisjoint(DatasetSplits<LabeledText> splits, double share) {
    for (List<LabeledText> split : List.of(splits.train(), splits.validation(), splits.test())) {
      assertEquals(share, spamShare(split), 0.02);
    }
    Set<String> all = new HashSet<>(ids(splits.train()));
    all.addAll(ids(splits.validation()));
    all.addAll(ids(splits.test()));
    assertEquals(splits.train().size() + splits.validation().size() + splits.test().size(),
        all.size(), "splits overlap");
  }

  @Test
  void stratifiedSplitHasTheRightSizesAndLabelMix() {
    DatasetSplits<LabeledText> splits = defaultSplits(7);
    assertEquals(600, splits.train().size());
    assertEquals(200, splits.validation().size());
    assertEquals(200, splits.test().size());
    assertStratifiedAndDisjoint(splits, 0.3);
  }

  @Test
  void stratifiedSplitIsDeterministicPerSeed() {
    assertEquals(defaultSplits(7), defaultSplits(7));
    DatasetSplits<LabeledText> other = defaultSplits(8);
    assertNotEquals(ids(defaultSplits(7).test()), ids(other.test()));
    assertNotEquals(defaultSplits(7).train(), other.train());
  }

  @Test
  void rejectsBadFractions() {
    assertThrows(IllegalArgumentException.class,
        () -> DatasetSplits.stratified(synthetic(), 0.5, 0.5, 0));
    assertThrows(IllegalArgumentException.class,
        () -> DatasetSplits.stratified(synthetic(), -0.1, 0.2, 0));
  }

  @Test
  void subsampleHasTheRequestedSizesDrawnFromEachSplit() {
    DatasetSplits<LabeledText> splits = defaultSplits(0);
    DatasetSplits<LabeledText> trial = splits.subsample(101, 1, 50, 77, 0);
    assertEquals(101, trial.train().size());
    assertEquals(50, trial.validation().size());
    assertEquals(77, trial.test().size());
    assertTrue(ids(splits.train()).containsAll(ids(trial.train())));
    assertTrue(ids(splits.validation()).containsAll(ids(trial.validation())));
    assertTrue(ids(splits.test()).containsAll(ids(trial.test())));
    assertEquals(30, trial.train().stream().filter(t -> t.label() == 1).count()); // 30.3 -> 30
    assertEquals(15, trial.validation().stream().filter(t -> t.label() == 1).count());
    assertEquals(23, trial.test().stream().filter(t -> t.label() == 1).count()); // 23.1 -> 23
    assertEquals(trial.train().size(), ids(trial.train()).size(), "duplicates in train");
  }

  @Test
  void trainSeedChangesOnlyTheTrainingSubset() {
    DatasetSplits<LabeledText> splits = defaultSplits(0);
    DatasetSplits<LabeledText> a = splits.subsample(100, 1, 50, 80, 0);
    DatasetSplits<LabeledText> b = splits.subsample(100, 2, 50, 80, 0);
    assertEquals(a.validation(), b.validation());
    assertEquals(a.test(), b.test());
    assertNotEquals(ids(a.train()), ids(b.train()));
    assertEquals(a, splits.subsample(100, 1, 50, 80, 0));
    assertNotEquals(ids(a.test()), ids(splits.subsample(100, 1, 50, 80, 5).test()));
  }

  @Test
  void tooLargeSizesNameTheOption() {
    DatasetSplits<LabeledText> splits = defaultSplits(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> splits.subsample(9000, 1, 50, 50, 0));
    assertEquals("trial option 'train_size' = 9000 is invalid: must be at most 600 "
        + "(the training split)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> splits.subsample(10, 1, 201, 50, 0));
    assertEquals("trial option 'val_size' = 201 is invalid: must be at most 200 "
        + "(the validation split)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> splits.subsample(10, 1, 50, 500, 0));
    assertEquals("trial option 'test_size' = 500 is invalid: must be at most 200 "
        + "(the test split)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> splits.subsample(0, 1, 50, 50, 0));
    assertEquals("trial option 'train_size' = 0 is invalid: must be at least 1", e.getMessage());
    // the whole split is allowed
    assertEquals(600, splits.subsample(600, 1, 200, 200, 0).train().size());
  }
}
