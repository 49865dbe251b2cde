package org.slicelab.ablations.data;

/** What a data set's examples are, so that a backbone can refuse data it cannot read. */
public enum Modality {
  /** Labelled texts ({@link LabeledText}). */
  TEXT,
  /** Labelled images ({@link org.slicelab.ablations.data.image.LabeledImage}). */
  IMAGE;

  /** Lower-case name for messages ("text", "image"). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
