package org.slicelab.ablations.data;

import org.slicelab.ablations.model.Modality;
import java.util.List;

/**
 * A labelled data set: its modality, its full train/validation/test splits (labels are class
 * ids 0 .. k-1), the class names by id, and a checksum of the raw data for provenance.
 * {@link Datasets} finds one by the value of the trial option {@code dataset}.
 *
 * @param <T> the example type ({@link LabeledText} for {@link Modality#TEXT},
 *     {@link org.slicelab.ablations.data.image.LabeledImage} for {@link Modality#IMAGE})
 */
public interface Dataset<T extends LabeledExample> {
  /** The canonical {@code dataset} option value. */
  String name();

  /** What the examples are: a backbone refuses a data set of another modality. */
  Modality modality();

  /** The full splits, computed once. */
  DatasetSplits<T> splits();

  /** Class names by label id (at least two). */
  List<String> labelNames();

  /** SHA-256 (hex) of the raw data the examples were read from. */
  String checksum();

  /**
   * One trial's data: {@code trainSize} training examples drawn with {@code trainSeed};
   * validation and test examples drawn with {@code dataSeed} (identical across trial seeds).
   */
  default DatasetSplits<T> load(int trainSize, int valSize, int testSize, long trainSeed,
      long dataSeed) {
    return splits().subsample(trainSize, trainSeed, valSize, testSize, dataSeed);
  }
}
