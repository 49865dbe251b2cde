package org.slicelab.ablations.data.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.PreparedDataset;
import org.slicelab.ablations.model.Modality;

/**
 * An image data set given as IDX files with official train and test parts (MNIST and
 * Fashion-MNIST): validation is 20% of the training file, held out stratified with seed
 * {@value #SPLIT_SEED}; test is the whole test file. Example ids are the part's file prefix
 * and the index in its file ({@code train-12345}, {@code t10k-42}), so they are stable across
 * trials and machines.
 */
public final class IdxDataset extends PreparedDataset<LabeledImage> {
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

  /**
   * Checks the parts against each other (counts, image shape, labels below the number of
   * classes) and splits them.
   *
   * @throws IllegalArgumentException naming the file that disagrees
   */
  public IdxDataset(String name, Part train, Part test, List<String> labelNames,
      String checksum) {
    super(name, Modality.IMAGE, new Contents<>(splits(train, test, labelNames.size()),
        List.copyOf(labelNames), checksum));
  }

  private static DatasetSplits<LabeledImage> splits(Part train, Part test, int classes) {
    List<LabeledImage> trainImages = examples(train, null, classes);
    int[] shape = Arrays.copyOfRange(train.images().dims(), 1, 3);
    List<LabeledImage> testImages = examples(test, shape, classes);
    DatasetSplits<LabeledImage> held = DatasetSplits.stratified(trainImages,
        DatasetSplits.VAL_FRACTION, 0, SPLIT_SEED);
    return new DatasetSplits<>(held.train(), held.validation(), testImages);
  }

  /**
   * The part's examples; its images must be {@code shape} (rows, columns) unless null, its
   * labels below {@code classes}.
   */
  private static List<LabeledImage> examples(Part part, int[] shape, int classes) {
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
      if (label >= classes) {
        throw new IllegalArgumentException(part.labels().name() + ": label " + label
            + " at index " + i + " is not below the number of classes, " + classes);
      }
      out.add(new LabeledImage(part.prefix() + "-" + i, part.prefix(), label,
          new IdxImage(part.images(), i)));
    }
    return out;
  }
}
