package org.slicelab.ablations.data;

import java.util.List;
import org.slicelab.ablations.model.Modality;

/**
 * A data set whose splits, class names and checksum are read and checked once, when it is
 * created; subclasses compute the {@link Contents} and pass it up.
 *
 * @param <T> the example type
 */
public abstract class PreparedDataset<T extends LabeledExample> implements Dataset<T> {
  /**
   * What reading the data gave.
   *
   * @param splits the full splits
   * @param labelNames class names by label id
   * @param checksum SHA-256 (hex) of the raw data
   */
  public record Contents<T extends LabeledExample>(DatasetSplits<T> splits,
      List<String> labelNames, String checksum) {
  }

  private final String name;
  private final Modality modality;
  private final Contents<T> contents;

  protected PreparedDataset(String name, Modality modality, Contents<T> contents) {
    this.name = name;
    this.modality = modality;
    this.contents = contents;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Modality modality() {
    return modality;
  }

  @Override
  public final DatasetSplits<T> splits() {
    return contents.splits();
  }

  @Override
  public final List<String> labelNames() {
    return contents.labelNames();
  }

  @Override
  public final String checksum() {
    return contents.checksum();
  }
}
