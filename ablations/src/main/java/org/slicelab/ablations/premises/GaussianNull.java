package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.slicelab.ablations.model.SliceAxis;

/**
 * The null model of spectral balance: matrices of i.i.d. standard Gaussian entries of a layer's
 * shape. The {@link BalanceIndex} is scale-invariant, so Gaussians "of the same norm" need only
 * the shape. Each simulated matrix is sliced like the observed one (same axes, ranks and starts),
 * and an observed index gets its <b>percentile</b> among the simulated ones (mid-rank: the share
 * of draws below it plus half the share equal to it). Under the null the percentile is uniform;
 * near 1 means less balanced than chance, near 0 more balanced.
 */
public final class GaussianNull {
  private GaussianNull() {
  }

  /**
   * One way of slicing a matrix.
   *
   * @param axis the slice axis
   * @param rank slice rank
   * @param starts slice starts
   */
  public record Slicing(SliceAxis axis, int rank, int[] starts) {
  }

  /**
   * Simulated indices: for each of {@code slicings}, {@code draws} indices of Gaussian matrices
   * shaped like {@code like} (the same draws serve every slicing), drawn with {@code seed}.
   * Returns [slicing][draw].
   */
  public static BalanceIndex[][] simulate(SliceMatrix like, List<Slicing> slicings, int draws,
      long seed, NDManager manager) {
    if (draws < 1) {
      throw new IllegalArgumentException("option 'null_draws' must be at least 1, got " + draws);
    }
    SplittableRandom random = new SplittableRandom(seed);
    Shape shape = like.matrix().getShape();
    double[] values = new double[(int) shape.size()];
    BalanceIndex[][] out = new BalanceIndex[slicings.size()][draws];
    for (int d = 0; d < draws; d++) {
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextGaussian();
      }
      try (NDScope scope = new NDScope()) {
        NDArray matrix = manager.create(values, shape);
        SliceMatrix gaussian = new SliceMatrix(like.name(), matrix, like.columnUnits(),
            like.taps(), like.unitsShared());
        double squaredNorm = gaussian.squaredNorm();
        for (int s = 0; s < slicings.size(); s++) {
          Slicing slicing = slicings.get(s);
          out[s][d] = BalanceIndex.of(SliceSpectra.of(gaussian, squaredNorm, slicing.axis(),
              slicing.rank(), slicing.starts()));
        }
        scope.suppressNotUsedWarning();
      }
    }
    return out;
  }

  /** The mid-rank percentile of {@code observed} among {@code draws}, in [0, 1]. */
  public static double percentile(double[] draws, double observed) {
    double below = 0;
    for (double v : draws) {
      below += v < observed ? 1 : v == observed ? 0.5 : 0;
    }
    return below / draws.length;
  }
}
