package org.slicelab.ablations.data;

/**
 * The SpamAssassin corpus ({@link SpamAssassinCorpus}) split 60/20/20 with a fixed seed, and the
 * per-trial subsets drawn from it.
 */
public final class SpamAssassin {
  /** Seed of the fixed train/validation/test split. */
  public static final long SPLIT_SEED = 0L;

  private static volatile DatasetSplits<LabeledText> splits;

  private SpamAssassin() {
  }

  /** The full 60/20/20 stratified split (seed {@value #SPLIT_SEED}), computed once per JVM. */
  public static DatasetSplits<LabeledText> splits() {
    DatasetSplits<LabeledText> result = splits;
    if (result == null) {
      synchronized (SpamAssassin.class) {
        result = splits;
        if (result == null) {
          result = DatasetSplits.stratified(SpamAssassinCorpus.get().texts(),
              DatasetSplits.VAL_FRACTION, DatasetSplits.TEST_FRACTION, SPLIT_SEED);
          splits = result;
        }
      }
    }
    return result;
  }

  /**
   * One trial's data: {@code trainSize} training texts drawn with {@code trainSeed}, and
   * validation/test texts drawn with {@code dataSeed} (identical across trial seeds).
   *
   * @throws IllegalArgumentException if a size exceeds its split (message names the option)
   * @throws IllegalStateException if the data package cannot be fetched
   */
  public static DatasetSplits<LabeledText> load(int trainSize, int valSize, int testSize,
      long trainSeed, long dataSeed) {
    return splits().subsample(trainSize, trainSeed, valSize, testSize, dataSeed);
  }

  /** SHA-256 (hex) of the data package the texts come from, for provenance. */
  public static String checksum() {
    return SpamAssassinCorpus.get().checksum();
  }
}
