package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** One Keras layer's computation on its input tensors (NCHW feature maps or [B, F]). */
@FunctionalInterface
interface GraphOp {
  /** The layer's output for {@code inputs}, in the order of its inbound tensors. */
  NDArray apply(List<NDArray> inputs);
}
