package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;

/**
 * Chooses which {@code rank} rows or columns of each targeted layer form its slice. Returns a
 * sorted index set per layer name.
 */
public interface SliceSelector {

  /** Index sets (sorted, {@code rank} each) for every layer in {@code layers}. */
  Map<String, int[]> select(Classifier model, List<? extends WeightLayer> layers, SliceAxis axis,
      SelectionContext context);

  /** A contiguous window {@code [start, start + rank)}. */
  static int[] window(int start, int rank) {
    int[] indices = new int[rank];
    for (int i = 0; i < rank; i++) {
      indices[i] = start + i;
    }
    return indices;
  }
}
