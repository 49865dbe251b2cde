package org.slicelab.ablations.model;

/** What a backbone reads and a data set holds; a trial pairs a backbone with data of its kind. */
public enum Modality {
  /** Token sequences (BERT-family encoders; labelled texts). */
  TEXT,
  /** Images (convolutional networks; labelled images). */
  IMAGE;

  /** Lower-case name for messages and tables. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
