package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * One Linear layer {@code y = x W^T + b} with W of shape [d_out, d_in], named as in Hugging Face
 * (e.g. {@code encoder.layer.0.attention.self.query}), with optional {@link LinearAdapter}s.
 */
public final class LinearLayer {
  private final String name;
  private final NDArray weight;
  private final NDArray bias;
  private final List<LinearAdapter> adapters = new ArrayList<>();

  /** A layer over existing weight [d_out, d_in] and bias [d_out] arrays (not copied). */
  public LinearLayer(String name, NDArray weight, NDArray bias) {
    this.name = name;
    this.weight = weight;
    this.bias = bias;
  }

  /** Hugging Face module name, without {@code .weight}. */
  public String name() {
    return name;
  }

  /** The weight [d_out, d_in]. */
  public NDArray weight() {
    return weight;
  }

  /** The bias [d_out]. */
  public NDArray bias() {
    return bias;
  }

  /** Output dimension (rows of W). */
  public int outFeatures() {
    return (int) weight.getShape().get(0);
  }

  /** Input dimension (columns of W). */
  public int inFeatures() {
    return (int) weight.getShape().get(1);
  }

  /** Adds an adapter applied after the frozen product. */
  public void addAdapter(LinearAdapter adapter) {
    adapters.add(adapter);
  }

  /** Adapters currently attached. */
  public List<LinearAdapter> adapters() {
    return List.copyOf(adapters);
  }

  /** Merges every adapter into W and removes them: the layer becomes a plain Linear again. */
  public void mergeAdapters() {
    for (LinearAdapter adapter : adapters) {
      adapter.mergeInto(this);
    }
    adapters.clear();
  }

  /** Removes adapters without merging. */
  public void clearAdapters() {
    adapters.clear();
  }

  /** {@code x W^T + b}, then every adapter. */
  public NDArray forward(NDArray x) {
    NDArray y = Linear.linear(x, weight, bias).singletonOrThrow();
    for (LinearAdapter adapter : adapters) {
      y = adapter.apply(x, y);
    }
    return y;
  }

  /**
   * The one rule for a rank r against a layer: r rows, columns or factor rows must fit the
   * {@code dimension} they cut (SliceFine: the sliced axis; LoRA: the smaller of d_out and d_in).
   * Throws an {@link IllegalArgumentException} naming the trial option {@code rank} otherwise.
   *
   * @param where the layer (and axis) for the message, e.g. {@code "classifier (rows)"}
   */
  public static void checkRank(int rank, int dimension, String where) {
    if (rank > dimension) {
      throw new IllegalArgumentException("trial option 'rank' = " + rank
          + " is invalid: must be at most the layer dimension " + dimension + " of " + where);
    }
  }
}
