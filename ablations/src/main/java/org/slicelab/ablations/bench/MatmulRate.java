package org.slicelab.ablations.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import org.slicelab.ablations.train.Autograd;

/**
 * The machine's float32 matrix-multiply rate measured through DJL / PyTorch in this process and
 * on this thread (so with the same torch intra-op thread count as the training steps):
 * {@code C = A B} for square matrices, and the model's own dominant shape (a Linear of
 * {@code tokens x 384 -> 1536}). Operands are created once; each sample times one product
 * (PyTorch CPU ops are synchronous), including allocating the output as training does.
 */
public final class MatmulRate implements AutoCloseable {
  private final NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  private final int n;
  private final NDArray a;
  private final NDArray b;

  /** Square operands of size {@code n}, seeded. */
  public MatmulRate(int n) {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    this.n = n;
    manager.getEngine().setRandomSeed(42);
    a = manager.randomUniform(-1, 1, new Shape(n, n));
    b = manager.randomUniform(-1, 1, new Shape(n, n));
  }

  /** FLOPs of one square product (2 n^3). */
  public long flops() {
    return 2L * n * n * n;
  }

  /** Times one product, in nanoseconds. */
  public long timeOnce() {
    long t0 = System.nanoTime();
    try (NDArray c = a.matMul(b)) {
      long t1 = System.nanoTime();
      c.getShape();
      return t1 - t0;
    }
  }

  /** Median GFLOP/s over {@code repeats} products after {@code warmup} untimed ones. */
  public double gflops(int warmup, int repeats) {
    for (int i = 0; i < warmup; i++) {
      timeOnce();
    }
    List<Double> ns = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      ns.add((double) timeOnce());
    }
    return flops() / Stats.of(ns).median();
  }

  /**
   * Median GFLOP/s of the model's Linear shape {@code [tokens, dIn] x [dOut, dIn]^T + bias}.
   */
  public static double linearGflops(int tokens, int dIn, int dOut, int warmup, int repeats) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray x = m.randomUniform(-1, 1, new Shape(tokens, dIn));
      NDArray w = m.randomUniform(-1, 1, new Shape(dOut, dIn));
      NDArray bias = m.zeros(new Shape(dOut));
      List<Double> ns = new ArrayList<>();
      for (int i = 0; i < warmup + repeats; i++) {
        long t0 = System.nanoTime();
        try (NDArray y = Linear.linear(x, w, bias).singletonOrThrow()) {
          long t1 = System.nanoTime();
          if (i >= warmup) {
            ns.add((double) (t1 - t0));
          }
          y.getShape();
        }
      }
      return 2.0 * tokens * dIn * dOut / Stats.of(ns).median();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
