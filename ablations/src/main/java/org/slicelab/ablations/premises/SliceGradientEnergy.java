package org.slicelab.ablations.premises;

import org.slicelab.ablations.model.SliceAxis;

/**
 * Each slice's share of a matrix' squared gradient norm against its share of the parameters.
 *
 * <p>Definition (ours): for the step-0 gradient G of a weight (see {@link GradientProbe}), the
 * slice of rank r at p along an axis of m units has gradient share
 * {@code ||G_slice||_F^2 / ||G||_F^2} and parameter share {@code r / m}; the theory needs every
 * share to be non-zero and, with balance, near r / m ({@code ratio} = share / parameter share
 * near 1).
 *
 * @param axis the slice axis
 * @param rank r
 * @param starts slice starts
 * @param shares gradient share per slice
 * @param parameterShare r / m
 */
public record SliceGradientEnergy(SliceAxis axis, int rank, int[] starts, double[] shares,
    double parameterShare) {

  /** The shares of {@code gradient}'s slices of rank {@code rank} at {@code starts}. */
  public static SliceGradientEnergy of(SliceMatrix gradient, SliceAxis axis, int rank,
      int[] starts) {
    return of(gradient, gradient.squaredNorm(), axis, rank, starts);
  }

  /** As {@link #of(SliceMatrix, SliceAxis, int, int[])}, given {@code ||G||_F^2}. */
  public static SliceGradientEnergy of(SliceMatrix gradient, double total, SliceAxis axis,
      int rank, int[] starts) {
    double[] energies = gradient.sliceEnergies(axis, rank, starts);
    double[] shares = new double[energies.length];
    for (int i = 0; i < shares.length; i++) {
      shares[i] = energies[i] / total;
    }
    return new SliceGradientEnergy(axis, rank, starts.clone(), shares,
        (double) rank / gradient.units(axis));
  }

  /** Share over parameter share of slice {@code i}. */
  public double ratio(int i) {
    return shares[i] / parameterShare;
  }
}
