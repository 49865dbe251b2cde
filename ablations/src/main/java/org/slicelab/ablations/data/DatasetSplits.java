package org.slicelab.ablations.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Disjoint train / validation / test lists of labelled examples (texts, images).
 *
 * <p>{@link #stratified} makes the splits (same label mix in each); {@link #subsample} draws the
 * smaller sets one trial uses: train with the trial's seed, validation and test with a data
 * seed, so every trial seed is scored on the same test set.
 *
 * @param <T> the example type
 */
public record DatasetSplits<T extends LabeledExample>(List<T> train, List<T> validation,
    List<T> test) implements Serializable {
  /** Default validation fraction. */
  public static final double VAL_FRACTION = 0.2;
  /** Default test fraction. */
  public static final double TEST_FRACTION = 0.2;

  /** Copies the lists (immutable). */
  public DatasetSplits {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }

  /**
   * Splits {@code all} per label: within each label, a seeded shuffle, then the first
   * round(n * testFraction) go to test, the next round(n * valFraction) to validation, the rest
   * to train. Each split is then shuffled with the same seed. Same input and seed, same splits.
   */
  public static <T extends LabeledExample> DatasetSplits<T> stratified(List<T> all,
      double valFraction, double testFraction, long seed) {
    if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
      throw new IllegalArgumentException("fractions must be >= 0 with a sum below 1, got val "
          + valFraction + ", test " + testFraction);
    }
    Random random = new Random(seed);
    List<T> train = new ArrayList<>();
    List<T> validation = new ArrayList<>();
    List<T> test = new ArrayList<>();
    for (List<T> sameLabel : byLabel(all).values()) {
      List<T> shuffled = new ArrayList<>(sameLabel);
      Collections.shuffle(shuffled, random);
      int n = shuffled.size();
      int nTest = (int) Math.round(n * testFraction);
      int nVal = (int) Math.round(n * valFraction);
      test.addAll(shuffled.subList(0, nTest));
      validation.addAll(shuffled.subList(nTest, nTest + nVal));
      train.addAll(shuffled.subList(nTest + nVal, n));
    }
    Collections.shuffle(train, random);
    Collections.shuffle(validation, random);
    Collections.shuffle(test, random);
    return new DatasetSplits<>(train, validation, test);
  }

  /**
   * Splits a pool of examples whose {@link LabeledExample#group()} names a domain (a source):
   * with no groups given, {@link #stratified} 60/20/20; with {@code trainGroups} and
   * {@code testGroups}, the examples of the training domains are split 75/25 into train and
   * validation (stratified) and every example of the test domains is test, so a model is scored
   * on a domain it never saw.
   *
   * @param what names the data set and option in error messages
   * @throws IllegalArgumentException for unknown or overlapping domains, or only one given
   */
  public static <T extends LabeledExample> DatasetSplits<T> byDomain(List<T> all,
      List<String> trainGroups, List<String> testGroups, long seed, String what) {
    if (trainGroups.isEmpty() && testGroups.isEmpty()) {
      return stratified(all, VAL_FRACTION, TEST_FRACTION, seed);
    }
    if (trainGroups.isEmpty() || testGroups.isEmpty()) {
      throw new IllegalArgumentException(what + ": give both 'train' and 'test' domains, or "
          + "neither");
    }
    java.util.Set<String> known = new java.util.TreeSet<>();
    all.forEach(t -> known.add(t.group()));
    for (String g : concat(trainGroups, testGroups)) {
      if (!known.contains(g)) {
        throw new IllegalArgumentException(what + ": unknown domain '" + g + "'; known: "
            + String.join(", ", known));
      }
    }
    if (trainGroups.stream().anyMatch(testGroups::contains)) {
      throw new IllegalArgumentException(what + ": the 'train' and 'test' domains overlap");
    }
    List<T> source = all.stream().filter(t -> trainGroups.contains(t.group())).toList();
    List<T> target = new ArrayList<>(
        all.stream().filter(t -> testGroups.contains(t.group())).toList());
    DatasetSplits<T> trainVal = stratified(source, 0.25, 0, seed);
    Collections.shuffle(target, new Random(seed));
    return new DatasetSplits<>(trainVal.train(), trainVal.validation(), target);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Stratified subsets of each split: {@code trainSize} of train drawn with {@code trainSeed};
   * {@code valSize} of validation and {@code testSize} of test drawn with {@code dataSeed}.
   *
   * @throws IllegalArgumentException naming the trial option (train_size, val_size, test_size)
   *     if a size is negative (or train_size zero) or larger than its split
   */
  public DatasetSplits<T> subsample(int trainSize, long trainSeed, int valSize, int testSize,
      long dataSeed) {
    return new DatasetSplits<>(
        sample(train, trainSize, 1, trainSeed, "train_size", "training"),
        sample(validation, valSize, 0, dataSeed, "val_size", "validation"),
        sample(test, testSize, 0, dataSeed + 1, "test_size", "test"));
  }

  /**
   * A stratified sample of {@code size} items: each label gets its proportional share (largest
   * remainder, so the shares add up to {@code size}), drawn by a seeded shuffle.
   */
  private static <T extends LabeledExample> List<T> sample(List<T> split, int size, int min,
      long seed, String option, String splitName) {
    if (size < min || size > split.size()) {
      String rule = size < min ? "must be at least " + min
          : "must be at most " + split.size() + " (the " + splitName + " split)";
      throw new IllegalArgumentException(
          "trial option '" + option + "' = " + size + " is invalid: " + rule);
    }
    Map<Integer, List<T>> groups = byLabel(split);
    Map<Integer, Integer> quota = new TreeMap<>();
    int assigned = 0;
    for (Map.Entry<Integer, List<T>> e : groups.entrySet()) {
      int share = (int) ((long) size * e.getValue().size() / split.size());
      quota.put(e.getKey(), share);
      assigned += share;
    }
    // hand out the rest to the labels with the largest remainders (ties: lower label first)
    List<Integer> byRemainder = new ArrayList<>(groups.keySet());
    byRemainder.sort((a, b) -> Long.compare(remainder(size, groups.get(b), split),
        remainder(size, groups.get(a), split)));
    for (int i = 0; assigned < size; i++, assigned++) {
      int label = byRemainder.get(i);
      quota.merge(label, 1, Integer::sum);
    }

    Random random = new Random(seed);
    List<T> result = new ArrayList<>(size);
    for (Map.Entry<Integer, List<T>> e : groups.entrySet()) {
      List<T> shuffled = new ArrayList<>(e.getValue());
      Collections.shuffle(shuffled, random);
      result.addAll(shuffled.subList(0, quota.get(e.getKey())));
    }
    Collections.shuffle(result, random);
    return result;
  }

  private static long remainder(int size, List<?> group, List<?> split) {
    return (long) size * group.size() % split.size();
  }

  /** Items grouped by label, labels in ascending order, input order kept within a label. */
  private static <T extends LabeledExample> Map<Integer, List<T>> byLabel(List<T> items) {
    Map<Integer, List<T>> groups = new TreeMap<>();
    for (T item : items) {
      groups.computeIfAbsent(item.label(), k -> new ArrayList<>()).add(item);
    }
    return groups;
  }
}
