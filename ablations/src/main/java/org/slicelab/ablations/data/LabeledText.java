package org.slicelab.ablations.data;

import java.util.Objects;

/**
 * One labelled text example.
 *
 * @param id    stable identifier, unique within its corpus
 * @param group the source group (for SpamAssassin: easy-ham-1, spam-2, ...)
 * @param text  the text (for e-mail: the body only, headers and HTML stripped)
 * @param label class id, 0 .. classes - 1 (SpamAssassin: 1 = spam, 0 = ham)
 */
public record LabeledText(String id, String group, String text, int label)
    implements LabeledExample {
  /** Label value for spam. */
  public static final int SPAM = 1;
  /** Label value for ham (not spam). */
  public static final int HAM = 0;

  /** Checks that no field is null and the label is not negative. */
  public LabeledText {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(text, "text");
    if (label < 0) {
      throw new IllegalArgumentException("label must be a class id >= 0, got " + label);
    }
  }
}
