package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import org.slicelab.ablations.model.SliceAxis;

/**
 * The normalised singular values of slices of one matrix along one axis at one rank.
 *
 * <p>Definition (ours): a slice S of r of the axis' m units has q = min(its rows, its columns)
 * singular values s_1 >= ... >= s_q. Its <b>fair share</b> of the matrix' energy is
 * {@code f = (r / m) ||W||_F^2}; the normalised values are {@code s_i / sqrt(f / q)}, so a slice
 * that carries exactly its fair share has unit root-mean-square normalised singular value, and
 * its <b>normalised energy</b> {@code ||S||_F^2 / f} (the mean square of its normalised values) is
 * 1. Every slice of an orthogonal matrix has all normalised values 1.
 *
 * @param axis the slice axis
 * @param rank r
 * @param starts the slices' first units
 * @param values normalised singular values per slice, descending ([starts][q])
 * @param energies normalised energy per slice
 */
public record SliceSpectra(SliceAxis axis, int rank, int[] starts, double[][] values,
    double[] energies) {

  /**
   * The normalised spectra of {@code matrix}'s slices of rank {@code rank} at {@code starts}
   * (singular values by PyTorch's {@code torch.linalg.svdvals}).
   */
  public static SliceSpectra of(SliceMatrix matrix, SliceAxis axis, int rank, int[] starts) {
    return of(matrix, matrix.squaredNorm(), axis, rank, starts);
  }

  /** As {@link #of(SliceMatrix, SliceAxis, int, int[])}, given {@code ||W||_F^2}. */
  public static SliceSpectra of(SliceMatrix matrix, double squaredNorm, SliceAxis axis,
      int rank, int[] starts) {
    NDArray slices = matrix.slices(axis, rank, starts);
    int q = (int) Math.min(slices.getShape().get(1), slices.getShape().get(2));
    double fair = (double) rank / matrix.units(axis) * squaredNorm;
    double scale = Math.sqrt(fair / q);
    double[] flat = TorchLinalg.singularValues(slices).toDoubleArray();
    double[][] values = new double[starts.length][q];
    double[] energies = new double[starts.length];
    for (int p = 0; p < starts.length; p++) {
      double sum = 0;
      for (int i = 0; i < q; i++) {
        values[p][i] = flat[p * q + i] / scale;
        sum += values[p][i] * values[p][i];
      }
      energies[p] = sum / q;
    }
    return new SliceSpectra(axis, rank, starts.clone(), values, energies);
  }
}
