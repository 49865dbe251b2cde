package org.slicelab.ablations.data;

import java.io.Serializable;

/**
 * One labelled example of any modality (a text, an image): what splitting, subsampling and
 * fingerprinting need to know about it.
 */
public interface LabeledExample extends Serializable {
  /** Stable identifier, unique within its data set (predictions pair across trials by it). */
  String id();

  /** The source group (a domain, or the file an example came from); may be empty. */
  String group();

  /** Class id, 0 .. classes - 1. */
  int label();
}
