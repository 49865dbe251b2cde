package org.slicelab.ablations.data.image;

import java.util.Objects;
import org.slicelab.ablations.data.LabeledExample;

/**
 * One labelled image: its id (e.g. {@code train-12345}, or a path relative to an image folder),
 * group, class id and where its pixels come from (decoded only when preprocessed).
 *
 * @param id stable identifier, unique within its data set
 * @param group the source group (the file or folder split it came from)
 * @param label class id, 0 .. classes - 1
 * @param source the undecoded image
 */
public record LabeledImage(String id, String group, int label, ImageSource source)
    implements LabeledExample {

  /** Checks that no field is null and the label is not negative. */
  public LabeledImage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(source, "source");
    if (label < 0) {
      throw new IllegalArgumentException("label must be a class id >= 0, got " + label);
    }
  }
}
