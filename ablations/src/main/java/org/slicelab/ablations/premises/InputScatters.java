package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.WeightLayer;

/**
 * The {@link ClassScatter} of every targeted layer's input, kept once per distinct input: layers
 * that read the very same input tensor (a BERT layer's query, key and value Linears read one
 * hidden state) share one set of statistics and one {@link TaskEnergy}, which are then exactly
 * those each would have computed alone. Which layers share is learnt from the first batch (by
 * tensor identity) and checked on every later one.
 */
final class InputScatters {
  private final Map<WeightLayer, ClassScatter> own = new LinkedHashMap<>();
  private final Map<WeightLayer, WeightLayer> sharesWith = new HashMap<>();
  private final Map<WeightLayer, TaskEnergy> energies = new HashMap<>();
  private final IdentityHashMap<NDArray, WeightLayer> readers = new IdentityHashMap<>();
  private final int classes;
  private final NDManager manager;
  private boolean firstBatch = true;
  private NDArray labels;
  private NDArray mask;

  /** Empty statistics for inputs with {@code classes} classes, in {@code manager}. */
  InputScatters(int classes, NDManager manager) {
    this.classes = classes;
    this.manager = manager;
  }

  /**
   * A pass-through adapter recording {@code layer}'s input. Call outside any {@code NDScope}:
   * the statistics are created here, in the manager (a layer found to share another's input
   * drops its own after the first batch).
   */
  LayerAdapter recorder(WeightLayer layer) {
    own.put(layer, new ClassScatter(layer, classes, manager));
    return new LayerAdapter() {
      @Override
      public NDArray apply(NDArray x, NDArray y) {
        record(layer, x);
        return y;
      }

      @Override
      public void mergeInto(WeightLayer target) {
        // records only: nothing to fold
      }
    };
  }

  /** Starts a batch: its labels [B] and mask (null, or 1 for real positions). */
  void startBatch(NDArray batchLabels, NDArray batchMask) {
    if (labels != null) {
      firstBatch = false;
    }
    readers.clear();
    labels = batchLabels;
    mask = batchMask;
  }

  private void record(WeightLayer layer, NDArray x) {
    WeightLayer reader = readers.get(x);
    if (firstBatch && reader != null) {
      sharesWith.put(layer, reader);
      own.remove(layer);
      return;
    }
    if (sharesWith.containsKey(layer)) {
      if (reader != sharesWith.get(layer)) {
        throw new IllegalStateException(layer.name() + " read the input of "
            + sharesWith.get(layer).name() + " in the first batch but not in a later one");
      }
      return;
    }
    readers.put(x, layer);
    ClassScatter scatter = own.get(layer);
    scatter.setBatch(labels, mask);
    scatter.apply(x, null);
  }

  /** The task energy of {@code layer}'s input (shared with the layers reading the same input). */
  TaskEnergy energy(WeightLayer layer) {
    WeightLayer owner = sharesWith.getOrDefault(layer, layer);
    ClassScatter scatter = own.get(owner);
    if (scatter == null) {
      throw new IllegalStateException(layer.name() + " saw no input");
    }
    return energies.computeIfAbsent(owner, o -> scatter.energy());
  }

  /** Layers whose statistics are another layer's, and that layer. */
  Map<WeightLayer, WeightLayer> shared() {
    return Map.copyOf(sharesWith);
  }
}
