package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.backbone.Scalars;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.train.DenseTrainable;

/**
 * A LoRA adapter {@code y += B (alpha / r) A(x)}, as PEFT builds it for Linear and Conv2D layers:
 * A is the layer's own operation with r output units (a Linear [r, d_in]; a kxk convolution from
 * {@code in} to r channels with the layer's stride and padding), drawn from
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PEFT's Kaiming-uniform default, fan_in = in * kh * kw);
 * B [d_out, r] is zero and mixes the r units into the outputs (a 1x1 convolution on images).
 * Merging adds {@code (alpha / r) B A} (A flattened to a matrix) into the weight.
 */
public final class LoraAdapter implements LayerAdapter {
  private final NDArray down;
  private final NDArray up;
  private final float scale;
  private final WeightLayer layer;

  /** A fresh adapter of rank {@code rank} on {@code layer}. */
  public LoraAdapter(WeightLayer layer, int rank, double alpha, Random random, NDManager manager) {
    this.layer = layer;
    Shape downShape = layer.partShape(SliceAxis.ROW, rank);
    long fanIn = downShape.size() / rank;
    float bound = (float) (1 / Math.sqrt(fanIn));
    float[] a = new float[Math.toIntExact(downShape.size())];
    for (int i = 0; i < a.length; i++) {
      a[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    down = manager.create(a, downShape);
    up = manager.zeros(new Shape(layer.units(SliceAxis.ROW), rank));
    scale = (float) (alpha / rank);
  }

  /** A and B as trainables. */
  public List<DenseTrainable> trainables(String layerName) {
    return List.of(new DenseTrainable(layerName + ".lora_A", down),
        new DenseTrainable(layerName + ".lora_B", up));
  }

  /**
   * {@code y + B ((alpha / r) A(x))}. The scaling multiplies the small r-unit product rather than
   * the full output, and the result is added into {@code y} in place (the frozen product's
   * backward does not keep {@code y}): no extra full-size array exists in the forward pass.
   */
  @Override
  public NDArray apply(NDArray x, NDArray y) {
    NDArray low = Scalars.multiply(layer.product(x, down), scale);
    return y.addi(layer.mixUnits(low, up.transpose()));
  }

  @Override
  public void mergeInto(WeightLayer target) {
    NDArray weight = target.weight();
    try (NDArray flat = down.reshape(down.getShape().get(0), -1);
        NDArray unscaled = up.matMul(flat);
        NDArray product = Scalars.multiply(unscaled, scale)) {
      weight.addi(product.reshape(weight.getShape()));
    }
  }
}
