package org.slicelab.ablations.premises;

/**
 * How much the slices of one matrix differ along one axis at one rank (0: not at all).
 *
 * <p>Definitions (ours), over the normalised spectra of {@link SliceSpectra}:
 * <ul>
 *   <li>{@code energyCv}: the coefficient of variation of the slices' normalised energies,
 *       population standard deviation over mean;</li>
 *   <li>{@code spectralDistance}: the largest distance between two slices' normalised spectra,
 *       the root-mean-square difference of their sorted normalised singular values,
 *       {@code max_{p,p'} sqrt(mean_i (v_{p,i} - v_{p',i})^2)}.</li>
 * </ul>
 * Both are invariant to the scale of W, so a null of Gaussian matrices needs only the shape.
 *
 * @param energyCv coefficient of variation of slice energies
 * @param spectralDistance largest RMS distance between two normalised slice spectra
 */
public record BalanceIndex(double energyCv, double spectralDistance) {

  /** The index of a set of slice spectra (at least one slice). */
  public static BalanceIndex of(SliceSpectra spectra) {
    return new BalanceIndex(coefficientOfVariation(spectra.energies()),
        largestDistance(spectra.values()));
  }

  /** Population standard deviation over mean; 0 for one value, NaN for a zero mean. */
  public static double coefficientOfVariation(double[] values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double var = 0;
    for (double v : values) {
      var += (v - mean) * (v - mean);
    }
    return Math.sqrt(var / values.length) / mean;
  }

  /** The largest root-mean-square difference between two rows of {@code spectra}. */
  public static double largestDistance(double[][] spectra) {
    double largest = 0;
    for (int a = 0; a < spectra.length; a++) {
      for (int b = a + 1; b < spectra.length; b++) {
        double sum = 0;
        for (int i = 0; i < spectra[a].length; i++) {
          double d = spectra[a][i] - spectra[b][i];
          sum += d * d;
        }
        largest = Math.max(largest, Math.sqrt(sum / spectra[a].length));
      }
    }
    return largest;
  }
}
