package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Random;
import org.slicelab.ablations.backbone.LinearAdapter;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.Scalars;
import org.slicelab.ablations.train.DenseTrainable;

/**
 * A LoRA adapter {@code y += (alpha / r) * (x A^T) B^T} with A [r, d_in] drawn from
 * U(-1/sqrt(d_in), 1/sqrt(d_in)) (PEFT's Kaiming-uniform default) and B [d_out, r] zero.
 */
public final class LoraAdapter implements LinearAdapter {
  private final NDArray down;
  private final NDArray up;
  private final float scale;

  /** A fresh adapter of rank {@code rank} on {@code layer}. */
  public LoraAdapter(LinearLayer layer, int rank, double alpha, Random random, NDManager manager) {
    float bound = (float) (1 / Math.sqrt(layer.inFeatures()));
    float[] a = new float[rank * layer.inFeatures()];
    for (int i = 0; i < a.length; i++) {
      a[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    down = manager.create(a, new Shape(rank, layer.inFeatures()));
    up = manager.zeros(new Shape(layer.outFeatures(), rank));
    scale = (float) (alpha / rank);
  }

  /** A and B as trainables. */
  public java.util.List<DenseTrainable> trainables(String layerName) {
    return java.util.List.of(new DenseTrainable(layerName + ".lora_A", down),
        new DenseTrainable(layerName + ".lora_B", up));
  }

  /**
   * {@code y + ((alpha / r) * x A^T) B^T}. The scaling multiplies the small [tokens, r] product
   * rather than the [tokens, d_out] one, and the result is added into {@code y} in place (the
   * frozen product's backward does not keep {@code y}): no extra [tokens, d_out] array exists in
   * the forward pass, and none for the scaling in the backward pass.
   */
  @Override
  public NDArray apply(NDArray x, NDArray y) {
    NDArray low = Scalars.multiply(Linear.linear(x, down).singletonOrThrow(), scale);
    return y.addi(Linear.linear(low, up).singletonOrThrow());
  }

  @Override
  public void mergeInto(LinearLayer layer) {
    try (NDArray product = up.matMul(down).mul(scale)) {
      layer.weight().addi(product);
    }
  }
}
