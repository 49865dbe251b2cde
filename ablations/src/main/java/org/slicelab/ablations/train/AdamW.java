package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.slicelab.ablations.backbone.DeviceSyncs;
import org.slicelab.ablations.backbone.Scalars;

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
  private List<NDArray> pendingGrads;

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
   *
   * <p>Same result as PyTorch's {@code AdamW} after {@code clip_grad_norm_}. Arrays trained as a
   * whole go through torch's fused kernel ({@link FusedAdamW}); slices, sparse entries and
   * increments whose weight decay acts on other values are computed with as few full-size
   * temporaries as DJL's in-place operations allow: per tensor one scratch array
   * (the clipped, scaled gradient, then its square) and one for the denominator; the clipping
   * factor is folded into the moment updates instead of copying the gradient, the gradient norm
   * is a reduction without a squared copy, and the bias corrections are scalar factors.
   */
  public float step(double lr) {
    try (NDArray norms = gradientNorms()) {
      return step(lr, DeviceSyncs.readFloats(norms));
    }
  }

  /**
   * Each trainable's gradient norm, on the device, in one array: read it back together with
   * whatever else the caller needs (the loss) in a single synchronisation, then pass the values
   * to {@link #step(double, float[])}.
   */
  NDArray gradientNorms() {
    pendingGrads = gradients();
    NDList norms = new NDList(trainables.size());
    for (NDArray g : pendingGrads) {
      try (NDArray n = g.norm()) {
        norms.add(n.reshape(1));
      }
    }
    NDArray all = NDArrays.concat(norms);
    norms.close();
    return all;
  }

  private List<NDArray> gradients() {
    List<NDArray> grads = new ArrayList<>(trainables.size());
    for (Trainable t : trainables) {
      grads.add(t.gradient());
    }
    return grads;
  }

  /**
   * {@link #step(double)} with the gradient norms already read back: call it right after
   * {@link #gradientNorms()}, whose gathered gradients it uses. No device synchronisation of its
   * own.
   */
  float step(double lr, float[] gradientNorms) {
    steps++;
    // the gradients gradientNorms() gathered (a sparse trainable gathers them anew per call)
    List<NDArray> grads = pendingGrads != null ? pendingGrads : gradients();
    pendingGrads = null;
    float norm = globalNorm(gradientNorms);
    double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1;
    double bias1 = 1 - Math.pow(BETA1, steps);
    double bias2Sqrt = Math.sqrt(1 - Math.pow(BETA2, steps));
    // m += (1 - b1) * s * g; v += (1 - b2) * (s * g)^2, from one scratch array
    float firstScale = (float) ((1 - BETA1) * scale);
    float secondFromFirst = (float) ((1 - BETA2) / ((1 - BETA1) * (1 - BETA1)));
    // lr * m_hat / (sqrt(v_hat) + eps) = (lr * bias2Sqrt / bias1) * m / (sqrt(v) + eps * bias2Sqrt)
    float epsilon = (float) (EPS * bias2Sqrt);
    float stepSize = (float) (lr * bias2Sqrt / bias1);
    // host-side, shared by the step's fused updates
    double[] fusedSettings = FusedAdamW.settings(lr, BETA1, BETA2, EPS, weightDecay, steps, scale);
    // device scalars for the element-wise path, made once per step when some trainable needs
    // them (a Number operand would be one blocking upload per operation on a GPU)
    StepScalars scalars = null;
    try {
      for (int i = 0; i < trainables.size(); i++) {
        Trainable t = trainables.get(i);
        NDArray m = first.get(i);
        NDArray v = second.get(i);
        if (t instanceof DenseTrainable dense && (weightDecay == 0 || dense.decaysItself())) {
          // the whole array trains: torch's fused kernel, one pass (same update as below)
          FusedAdamW.step(dense.array(), grads.get(i), m, v, fusedSettings);
          t.zeroGradient();
          continue;
        }
        if (scalars == null) {
          scalars = new StepScalars(m, firstScale, secondFromFirst, epsilon, stepSize,
              (float) (lr * weightDecay));
        }
        try (NDArray scratch = grads.get(i).mul(scalars.firstScale)) {
          m.muli(scalars.beta1).addi(scratch);
          v.muli(scalars.beta2).addi(scratch.muli(scratch).muli(scalars.secondFromFirst));
        }
        try (NDArray delta = v.sqrt()) {
          delta.addi(scalars.epsilon).powi(scalars.minusOne).muli(m).muli(scalars.minusStepSize);
          if (weightDecay > 0) {
            try (NDArray decay = t.decayTarget().mul(scalars.decay)) {
              delta.subi(decay);
            }
          }
          t.update(delta);
        }
        t.zeroGradient();
      }
    } finally {
      if (scalars != null) {
        scalars.close();
      }
    }
    return norm;
  }

  /** Summed on the host in double, in trainable order (as before the norms were batched). */
  private static float globalNorm(float[] norms) {
    double squares = 0;
    for (float n : norms) {
      double value = n;
      squares += value * value;
    }
    return (float) Math.sqrt(squares);
  }

  /** The element-wise update's scalars as 0-dimensional arrays on the moments' device. */
  private static final class StepScalars implements AutoCloseable {
    final NDArray firstScale;
    final NDArray beta1;
    final NDArray beta2;
    final NDArray secondFromFirst;
    final NDArray epsilon;
    final NDArray minusOne;
    final NDArray minusStepSize;
    final NDArray decay;

    StepScalars(NDArray like, float firstScale, float secondFromFirst, float epsilon,
        float stepSize, float decay) {
      this.firstScale = Scalars.like(like, firstScale);
      this.beta1 = Scalars.like(like, BETA1);
      this.beta2 = Scalars.like(like, BETA2);
      this.secondFromFirst = Scalars.like(like, secondFromFirst);
      this.epsilon = Scalars.like(like, epsilon);
      this.minusOne = Scalars.like(like, -1f);
      this.minusStepSize = Scalars.like(like, -stepSize);
      this.decay = Scalars.like(like, decay);
    }

    @Override
    public void close() {
      for (NDArray a : new NDArray[] {firstScale, beta1, beta2, secondFromFirst, epsilon,
          minusOne, minusStepSize, decay}) {
        a.close();
      }
    }
  }

  /** Releases the optimizer state. */
  public void close() {
    first.forEach(NDArray::close);
    second.forEach(NDArray::close);
  }
}
