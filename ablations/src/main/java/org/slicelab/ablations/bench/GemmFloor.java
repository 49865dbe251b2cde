package org.slicelab.ablations.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.bench.FlopCounter.Product;
import org.slicelab.ablations.train.Autograd;

/**
 * The time a step's matrix products take on their own, at their own shapes: each distinct
 * {@link Product} (shape and operand layout) is timed alone through DJL / PyTorch, on the
 * calling thread with its torch intra-op thread count, and a step's floor is the sum over its
 * products. Unlike the square-product FLOP floor, this floor counts what the products' shapes
 * cost (skinny, transposed and batched products run below the square rate on every BLAS), so
 * {@code step / gemm floor} is the share of the step spent outside the products: element-wise
 * work, the optimizer, framework overhead.
 *
 * <p>One instance caches the median of each shape; make one per thread count.
 */
public final class GemmFloor {
  private final int warmup;
  private final int repeats;
  private final Map<Product, Double> medianNanos = new LinkedHashMap<>();

  /** Times each shape {@code repeats} times after {@code warmup} untimed products. */
  public GemmFloor(int warmup, int repeats) {
    if (warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException("warmup must be >= 0 and repeats >= 1, got " + warmup
          + " and " + repeats);
    }
    this.warmup = warmup;
    this.repeats = repeats;
  }

  /** The summed median time of {@code products}, in milliseconds. */
  public double floorMs(List<Product> products) {
    double nanos = 0;
    for (Product p : products) {
      nanos += medianNanos.computeIfAbsent(p.shapeKey(), this::time);
    }
    return nanos / 1e6;
  }

  /** Distinct shapes timed so far. */
  public int shapesTimed() {
    return medianNanos.size();
  }

  private double time(Product p) {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray a = operand(m, p.batch(), p.m(), p.k(), p.transposedA());
      NDArray b = operand(m, p.batch(), p.k(), p.n(), p.transposedB());
      List<Double> ns = new ArrayList<>();
      for (int i = 0; i < warmup + repeats; i++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          long t1 = System.nanoTime();
          if (i >= warmup) {
            ns.add((double) (t1 - t0));
          }
          c.getShape();
        }
      }
      return Stats.of(ns).median();
    }
  }

  /** A {@code [rows, cols]} operand (batched when {@code batch > 1}), stored transposed if asked. */
  static NDArray operand(NDManager m, int batch, int rows, int cols, boolean transposed) {
    Shape stored = transposed ? new Shape(cols, rows) : new Shape(rows, cols);
    if (batch > 1) {
      stored = new Shape(batch).addAll(stored);
    }
    NDArray x = m.randomUniform(-1, 1, stored);
    return transposed ? x.swapAxes(-1, -2) : x;
  }
}
