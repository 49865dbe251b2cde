package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * How much of a representation's task-relevant energy its top principal directions hold.
 *
 * <p>Definitions (ours), for samples x_i with classes c_i (n_c samples of class c, mean mu_c;
 * overall mean mu, N samples):
 * <ul>
 *   <li>total scatter {@code S_T = sum_i (x_i - mu)(x_i - mu)^T}, with eigenvalues
 *       lambda_1 >= ... >= lambda_d and unit eigenvectors v_1..v_d (the principal directions);</li>
 *   <li>between-class scatter {@code S_B = sum_c n_c (mu_c - mu)(mu_c - mu)^T};</li>
 *   <li>{@code betweenShare[k-1] = sum_{i<=k} v_i^T S_B v_i / tr(S_B)}: the share of between-class
 *       scatter in the top-k principal directions;</li>
 *   <li>{@code varianceShare[k-1] = sum_{i<=k} lambda_i / tr(S_T)}: the share of all variance
 *       there.</li>
 * </ul>
 * Task energy is concentrated in low-rank components when betweenShare rises far faster than
 * varianceShare; {@link #kHolding} gives the k holding a share.
 *
 * @param betweenShare cumulative between-class share for k = 1..d
 * @param varianceShare cumulative variance share for k = 1..d
 * @param samples N
 */
public record TaskEnergy(double[] betweenShare, double[] varianceShare, long samples) {

  /**
   * The curves from the statistics of {@link ClassScatter}: {@code secondMoment = sum x x^T}
   * [d, d], {@code classSums} [classes, d] and per-class sample counts (of samples shifted by
   * any fixed vector: the scatters do not depend on it) (float64 arrays; the
   * eigendecomposition is PyTorch's {@code torch.linalg.eigh}).
   *
   * @throws IllegalArgumentException when fewer than two classes have samples
   */
  public static TaskEnergy of(NDArray secondMoment, NDArray classSums, double[] counts) {
    int present = 0;
    double n = 0;
    for (double c : counts) {
      present += c > 0 ? 1 : 0;
      n += c;
    }
    if (present < 2) {
      throw new IllegalArgumentException("task energy needs samples of at least two classes, got "
          + present + " (a data set with one class has no between-class scatter)");
    }
    NDArray countArray = classSums.getManager().create(counts).toType(DataType.FLOAT64, false);
    NDArray mean = classSums.sum(new int[] {0}).div(n);
    NDArray total = secondMoment.sub(mean.expandDims(1).matMul(mean.expandDims(0)).mul(n));
    total = total.add(total.transpose()).div(2);
    // rows sqrt(n_c) (mu_c - mu): S_B = D^T D; empty classes contribute nothing
    NDArray safe = countArray.maximum(1).expandDims(1);
    NDArray deviations = classSums.div(safe).sub(mean.expandDims(0))
        .mul(countArray.sqrt().expandDims(1));
    NDList eigen = TorchLinalg.symmetricEigen(total);
    double[] lambdas = eigen.get(0).flip(0).toDoubleArray();
    NDArray vectors = eigen.get(1).flip(1);
    double[] projected = deviations.matMul(vectors).square().sum(new int[] {0}).toDoubleArray();
    return new TaskEnergy(cumulativeShares(projected), cumulativeShares(clampNegative(lambdas)),
        Math.round(n));
  }

  /** The smallest k whose top-k directions hold at least {@code share} of between-class scatter. */
  public int kHolding(double share) {
    for (int k = 1; k <= betweenShare.length; k++) {
      if (betweenShare[k - 1] >= share - 1e-12) {
        return k;
      }
    }
    return betweenShare.length;
  }

  /** Dimension d. */
  public int dimension() {
    return betweenShare.length;
  }

  private static double[] clampNegative(double[] values) {
    double[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(0, out[i]);
    }
    return out;
  }

  private static double[] cumulativeShares(double[] parts) {
    double total = 0;
    for (double p : parts) {
      total += p;
    }
    double[] out = new double[parts.length];
    double sum = 0;
    for (int i = 0; i < parts.length; i++) {
      sum += parts[i];
      out[i] = sum / total;
    }
    return out;
  }
}
