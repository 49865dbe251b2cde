package org.slicelab.ablations.data.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.model.Modality;

/**
 * An image data set given as IDX files with official train and test parts (MNIST and
 * Fashion-MNIST): validation is 20% of the training file, held out stratified with seed
 * {@value #SPLIT_SEED}; test is the whole test file. Example ids are the part's file prefix
 * and the index in its file ({@code train-12345}, {@code t10k-42}), so they are stable across
 * trials and machines.
 */
public final class IdxDataset implements Dataset<LabeledImage> {
  /** Seed of the fixed train/validation split. */
  public static final long SPLIT_SEED = 0L;

  /**
   * One part of the data: images [count, rows, columns] and labels [count].
   *
   * @param prefix the id prefix and group ({@code train}, {@code t10k})
   * @param images the images
   * @param labels the labels
   */
  public record Part(String prefix, IdxArray images, IdxArray labels) {
  }

  private final String name;
  private final List<String> labelNames;
  private final String checksum;
  private final DatasetSplits<LabeledImage> splits;

  /**
   * Checks the parts against each other (counts, image shape, labels below the number of
   * classes) and splits them.
   *
   * @throws IllegalArgumentException naming the file that disagrees
   */
  public IdxDataset(String name, Part train, Part test, List<String> labelNames,
      String checksum) {
    this.name = name;
    this.labelNames = List.copyOf(labelNames);
    this.checksum = checksum;
    List<LabeledImage> trainImages = examples(train, null);
    int[] shape = Arrays.copyOfRange(train.images().dims(), 1, 3);
    List<LabeledImage> testImages = examples(test, shape);
    DatasetSplits<LabeledImage> held = DatasetSplits.stratified(trainImages,
        DatasetSplits.VAL_FRACTION, 0, SPLIT_SEED);
    this.splits = new DatasetSplits<>(held.train(), held.validation(), testImages);
  }

  /** The part's examples; its images must be {@code shape} (rows, columns) unless null. */
  private List<LabeledImage> examples(Part part, int[] shape) {
    int[] dims = part.images().dims();
    if (dims.length != 3 || part.labels().dims().length != 1) {
      throw new IllegalArgumentException(part.images().name() + " and " + part.labels().name()
          + " must be images [count, rows, columns] and labels [count]");
    }
    if (dims[0] != part.labels().count()) {
      throw new IllegalArgumentException(part.images().name() + " holds " + dims[0]
          + " images but " + part.labels().name() + " " + part.labels().count() + " labels");
    }
    if (shape != null && (dims[1] != shape[0] || dims[2] != shape[1])) {
      throw new IllegalArgumentException(part.images().name() + " holds " + dims[1] + "x"
          + dims[2] + " images, the training file " + shape[0] + "x" + shape[1]);
    }
    List<LabeledImage> out = new ArrayList<>(dims[0]);
    for (int i = 0; i < dims[0]; i++) {
      int label = part.labels().get(i);
      if (label >= labelNames.size()) {
        throw new IllegalArgumentException(part.labels().name() + ": label " + label
            + " at index " + i + " is not below the number of classes, " + labelNames.size());
      }
      out.add(new LabeledImage(part.prefix() + "-" + i, part.prefix(), label,
          new IdxImage(part.images(), i)));
    }
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Modality modality() {
    return Modality.IMAGE;
  }

  @Override
  public DatasetSplits<LabeledImage> splits() {
    return splits;
  }

  @Override
  public List<String> labelNames() {
    return labelNames;
  }

  @Override
  public String checksum() {
    return checksum;
  }
}
