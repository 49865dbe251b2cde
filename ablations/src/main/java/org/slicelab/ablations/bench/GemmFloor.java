package org.slicelab.ablations.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.bench.FlopCounter.Product;
import org.slicelab.ablations.train.Autograd;

/**
 * The time a step's matrix products take on their own, at their own shapes: each distinct
 * {@link Product} (shape and operand layout) is timed alone through DJL / PyTorch, on the
 * calling thread with its torch intra-op thread count, and a step's floor is the sum over its
 * products of each shape's median time. Unlike the square-product FLOP floor, this floor counts
 * what the products' shapes cost, so whatever {@code step / gemm floor} exceeds 1 by is time
 * spent outside the products: element-wise work, the optimizer, framework overhead. Attention
 * is timed as its written-out batched products, also where the step runs the fused kernel.
 *
 * <p>Operands are allocated once. Each {@link #timePass(boolean)} times every distinct shape
 * once; the benchmark runs one pass per round, among the steps, so machine drift hits the floor
 * as it hits the steps.
 */
public final class GemmFloor implements AutoCloseable {
  private final NDManager manager;
  private final Map<Product, NDArray[]> operands = new LinkedHashMap<>();
  private final Map<Product, List<Double>> nanos = new LinkedHashMap<>();

  /** Allocates the operands of every distinct shape among {@code products}. */
  public GemmFloor(Collection<Product> products) {
    Autograd.ensureEngine();
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      for (Product p : products) {
        operands.computeIfAbsent(p.shapeKey(), k -> new NDArray[] {
            operand(manager, k.batch(), k.m(), k.k(), k.transposedA()),
            operand(manager, k.batch(), k.k(), k.n(), k.transposedB())});
        nanos.putIfAbsent(p.shapeKey(), new ArrayList<>());
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Distinct shapes. */
  public int shapes() {
    return operands.size();
  }

  /** Recorded timings of {@code product}'s shape (0 for a shape not registered). */
  int samples(Product product) {
    List<Double> samples = nanos.get(product.shapeKey());
    return samples == null ? 0 : samples.size();
  }

  /**
   * Times one product of every distinct shape; {@code record} false for warm-up passes.
   * Autograd recording must be off on this thread (it is during the benchmark's rounds).
   */
  public void timePass(boolean record) {
    for (Map.Entry<Product, NDArray[]> e : operands.entrySet()) {
      long t0 = System.nanoTime();
      try (NDArray c = e.getValue()[0].matMul(e.getValue()[1])) {
        long t1 = System.nanoTime();
        if (record) {
          nanos.get(e.getKey()).add((double) (t1 - t0));
        }
      }
    }
  }

  /**
   * The summed median time of {@code products}, in milliseconds; every product's shape must
   * have been registered and timed.
   */
  public double floorMs(List<Product> products) {
    double total = 0;
    for (Product p : products) {
      List<Double> samples = nanos.get(p.shapeKey());
      if (samples == null || samples.isEmpty()) {
        throw new IllegalStateException(String.format("no timing of the product [%d x] %d x %d"
            + " by %d x %d%s%s", p.batch(), p.m(), p.k(), p.k(), p.n(),
            p.transposedA() ? ", left transposed" : "", p.transposedB() ? ", right transposed"
            : ""));
      }
      total += Stats.of(samples).median();
    }
    return total / 1e6;
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * A {@code [rows, cols]} operand (batched when {@code batch > 1}), stored as {@code [cols, rows]}
   * and read through a transposed view when {@code transposed}.
   */
  static NDArray operand(NDManager m, int batch, int rows, int cols, boolean transposed) {
    Shape stored = transposed ? new Shape(cols, rows) : new Shape(rows, cols);
    if (batch > 1) {
      stored = new Shape(batch).addAll(stored);
    }
    NDArray x = m.randomUniform(-1, 1, stored);
    return transposed ? x.swapAxes(-1, -2) : x;
  }
}
