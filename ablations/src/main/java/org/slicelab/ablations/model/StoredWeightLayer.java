package org.slicelab.ablations.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping every {@link WeightLayer} shares: the stored weight and bias arrays (not
 * copied) and the attached {@link LayerAdapter}s in the order they were added.
 */
public abstract class StoredWeightLayer implements WeightLayer {
  private final NDArray weight;
  private final NDArray bias;
  private final List<LayerAdapter> adapters = new ArrayList<>();

  /** A layer over existing weight and bias (null when the layer has none) arrays. */
  protected StoredWeightLayer(NDArray weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  @Override
  public final NDArray weight() {
    return weight;
  }

  @Override
  public final NDArray bias() {
    return bias;
  }

  @Override
  public final void addAdapter(LayerAdapter adapter) {
    adapters.add(adapter);
  }

  @Override
  public final List<LayerAdapter> adapters() {
    return List.copyOf(adapters);
  }

  @Override
  public final void clearAdapters() {
    adapters.clear();
  }

  /** The attached adapters themselves (no copy), for the subclass's forward pass. */
  protected final List<LayerAdapter> attachedAdapters() {
    return adapters;
  }
}
