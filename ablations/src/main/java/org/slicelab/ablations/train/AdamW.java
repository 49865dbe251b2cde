package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay) over a list of {@link Trainable}s, with global-norm gradient
 * clipping. State is two float32 arrays per trainable, so {@link #stateBytes()} is
 * {@code 8 * trainable scalars}.
 */
public final class AdamW {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPS = 1e-8f;

  private final List<Trainable> trainables;
  private final List<NDArray> first = new ArrayList<>();
  private final List<NDArray> second = new ArrayList<>();
  private final double weightDecay;
  private final double clipNorm;
  private int steps;

  /** Fresh state for these trainables; {@code clipNorm} 0 disables clipping. */
  public AdamW(List<Trainable> trainables, double weightDecay, double clipNorm) {
    this.trainables = List.copyOf(trainables);
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
    for (Trainable t : trainables) {
      NDArray grad = t.gradient();
      NDArray m = grad.zerosLike();
      NDArray v = grad.zerosLike();
      NDScope.unregister(m, v);
      first.add(m);
      second.add(v);
    }
  }

  /** Bytes of optimizer state (first and second moments, float32). */
  public long stateBytes() {
    return trainables.stream().mapToLong(Trainable::size).sum() * 2 * Float.BYTES;
  }

  /** Steps taken. */
  public int steps() {
    return steps;
  }

  /**
   * One update with learning rate {@code lr}; returns the gradient norm before clipping.
   * Call with autograd recording off.
   */
  public float step(double lr) {
    steps++;
    List<NDArray> grads = new ArrayList<>(trainables.size());
    for (Trainable t : trainables) {
      grads.add(t.gradient());
    }
    float norm = globalNorm(grads);
    float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / (norm + 1e-6)) : 1f;
    double bias1 = 1 - Math.pow(BETA1, steps);
    double bias2 = 1 - Math.pow(BETA2, steps);
    for (int i = 0; i < trainables.size(); i++) {
      Trainable t = trainables.get(i);
      NDArray g = scale == 1f ? grads.get(i) : grads.get(i).mul(scale);
      first.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
      second.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
      NDArray denominator = second.get(i).div((float) bias2).sqrt().addi(EPS);
      NDArray delta = first.get(i).div(denominator).muli((float) (-lr / bias1));
      if (weightDecay > 0) {
        delta.subi(t.decayTarget().mul((float) (lr * weightDecay)));
      }
      t.update(delta);
      t.zeroGradient();
    }
    return norm;
  }

  private static float globalNorm(List<NDArray> grads) {
    if (grads.isEmpty()) {
      return 0f;
    }
    NDArray total = null;
    for (NDArray g : grads) {
      NDArray squares = g.square().sum();
      total = total == null ? squares : total.add(squares);
    }
    return (float) Math.sqrt(total.getFloat());
  }

  /** Releases the optimizer state. */
  public void close() {
    first.forEach(NDArray::close);
    second.forEach(NDArray::close);
  }
}
