package org.slicelab.ablations.select;

import org.slicelab.ablations.model.SliceAxis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;

/** The paper's slice: the contiguous window {@code [position, position + rank)}. */
public final class PositionSelector implements SliceSelector {

  @Override
  public Map<String, int[]> select(Classifier model, List<? extends WeightLayer> layers, SliceAxis axis,
      SelectionContext context) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (WeightLayer layer : layers) {
      int start = context.window().start(axis.dimension(layer),
          layer.name() + " (" + axis.label() + "s)");
      out.put(layer.name(), SliceSelector.window(start, context.window().rank()));
    }
    return out;
  }
}
