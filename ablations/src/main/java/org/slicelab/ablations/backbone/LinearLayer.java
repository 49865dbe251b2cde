package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.StoredWeightLayer;
import org.slicelab.ablations.model.WeightLayer;

/**
 * One Linear layer {@code y = x W^T + b} with W of shape [d_out, d_in], named as in Hugging Face
 * (e.g. {@code encoder.layer.0.attention.self.query}), with optional {@link LayerAdapter}s.
 * Units lie on the last axis of its activations.
 */
public final class LinearLayer extends StoredWeightLayer {
  private final String name;

  /** A layer over existing weight [d_out, d_in] and bias [d_out] arrays (not copied). */
  public LinearLayer(String name, NDArray weight, NDArray bias) {
    super(weight, bias);
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /** Output dimension (rows of W). */
  public int outFeatures() {
    return (int) weight().getShape().get(0);
  }

  /** Input dimension (columns of W). */
  public int inFeatures() {
    return (int) weight().getShape().get(1);
  }

  @Override
  public int units(SliceAxis axis) {
    return axis == SliceAxis.ROW ? outFeatures() : inFeatures();
  }

  @Override
  public int taps() {
    return 1;
  }

  @Override
  public int activationUnitAxis() {
    return -1;
  }

  @Override
  public NDArray product(NDArray x, NDArray weightPart) {
    return Linear.linear(x, weightPart).singletonOrThrow();
  }

  @Override
  public NDArray mixUnits(NDArray activations, NDArray m) {
    return activations.matMul(m);
  }

  @Override
  public NDArray inputUnitSquares(NDArray x, NDArray mask) {
    NDArray masked = mask == null ? x : x.mul(mask);
    NDArray flat = masked.reshape(-1, x.getShape().get(x.getShape().dimension() - 1));
    return flat.square().sum(new int[] {0});
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray y = Linear.linear(x, weight(), bias()).singletonOrThrow();
    for (LayerAdapter adapter : attachedAdapters()) {
      y = adapter.apply(x, y);
    }
    return y;
  }

  /** Same as {@link WeightLayer#checkRank}. */
  public static void checkRank(int rank, int dimension, String where) {
    WeightLayer.checkRank(rank, dimension, where);
  }
}
