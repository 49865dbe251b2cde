package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AdamW against a plain double-precision reference of PyTorch's AdamW + clip_grad_norm_. */
class AdamWTest {

  @BeforeAll
  static void engine() {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
  }

  /** Reference state of one tensor. */
  private static final class Ref {
    final double[] w;
    final double[] m;
    final double[] v;
    final double[] base;

    Ref(float[] init, float[] base) {
      w = toDouble(init);
      m = new double[init.length];
      v = new double[init.length];
      this.base = base == null ? null : toDouble(base);
    }
  }

  @Test
  void matchesTheReferenceWithClippingAndDecoupledDecay() {
    check(0.1, 0.5, 1e-2);
  }

  @Test
  void matchesTheReferenceWithoutClippingOrDecay() {
    check(0.0, 0.0, 3e-3);
  }

  private static void check(double weightDecay, double clip, double lr) {
    Random random = new Random(5);
    float[] w1 = randoms(random, 12);
    float[] w2 = randoms(random, 5);
    float[] base2 = randoms(random, 5);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray a1 = manager.create(w1);
      NDArray a2 = manager.create(w2);
      AdamW adam = new AdamW(List.of(new DenseTrainable("plain", a1),
          new DenseTrainable("increment", a2, manager.create(base2))), weightDecay, clip);
      Ref r1 = new Ref(w1, null);
      Ref r2 = new Ref(w2, base2);
      for (int step = 1; step <= 6; step++) {
        float[] c1 = randoms(random, 12);
        float[] c2 = randoms(random, 5);
        // loss = sum(c1 * a1) + sum(c2 * a2): the gradients are c1 and c2
        Autograd.setRecording(true);
        NDArray loss = a1.mul(manager.create(c1)).sum().add(a2.mul(manager.create(c2)).sum());
        Autograd.backward(loss);
        Autograd.setRecording(false);
        float norm = adam.step(lr);
        double expectedNorm = reference(List.of(r1, r2), List.of(toDouble(c1), toDouble(c2)),
            step, lr, weightDecay, clip);
        assertEquals(expectedNorm, norm, 1e-5 * expectedNorm, "gradient norm at step " + step);
        assertClose(r1.w, a1.toFloatArray(), "plain tensor at step " + step);
        assertClose(r2.w, a2.toFloatArray(), "increment at step " + step);
      }
      adam.close();
    }
  }

  /** One step of PyTorch's clip_grad_norm_ then AdamW, in double; returns the norm. */
  private static double reference(List<Ref> refs, List<double[]> grads, int step, double lr,
      double weightDecay, double clip) {
    double squares = 0;
    for (double[] g : grads) {
      for (double x : g) {
        squares += x * x;
      }
    }
    double norm = Math.sqrt(squares);
    double scale = clip > 0 && norm > clip ? clip / (norm + 1e-6) : 1;
    double bias1 = 1 - Math.pow(0.9, step);
    double bias2 = 1 - Math.pow(0.999, step);
    for (int t = 0; t < refs.size(); t++) {
      Ref r = refs.get(t);
      double[] g = grads.get(t);
      for (int i = 0; i < g.length; i++) {
        double gi = g[i] * scale;
        double effective = r.base == null ? r.w[i] : r.base[i] + r.w[i];
        r.m[i] = 0.9 * r.m[i] + 0.1 * gi;
        r.v[i] = 0.999 * r.v[i] + 0.001 * gi * gi;
        double update = (r.m[i] / bias1) / (Math.sqrt(r.v[i] / bias2) + 1e-8);
        r.w[i] -= lr * update + lr * weightDecay * effective;
      }
    }
    return norm;
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 2e-6 + 2e-6 * Math.abs(expected[i]),
          what + ", entry " + i);
    }
  }

  private static float[] randoms(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
