package org.slicelab.ablations.data;

import java.util.List;

/**
 * A labelled text data set: its full train/validation/test splits (labels are class ids
 * 0 .. k-1), the class names by id, and a checksum of the raw data for provenance.
 * {@link Datasets} finds one by the value of the trial option {@code dataset}.
 */
public interface Dataset {
  /** The canonical {@code dataset} option value. */
  String name();

  /** The full splits, computed once. */
  DatasetSplits splits();

  /** Class names by label id (at least two). */
  List<String> labelNames();

  /** SHA-256 (hex) of the raw data the texts were read from. */
  String checksum();

  /**
   * One trial's data: {@code trainSize} training texts drawn with {@code trainSeed};
   * validation and test texts drawn with {@code dataSeed} (identical across trial seeds).
   */
  default DatasetSplits load(int trainSize, int valSize, int testSize, long trainSeed,
      long dataSeed) {
    return splits().subsample(trainSize, trainSeed, valSize, testSize, dataSeed);
  }
}
