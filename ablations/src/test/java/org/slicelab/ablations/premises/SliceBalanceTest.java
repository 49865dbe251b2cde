package org.slicelab.ablations.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.model.SliceAxis;

class SliceBalanceTest {
  private final NDManager manager = NDManager.newBaseManager("PyTorch");

  @AfterEach
  void close() {
    manager.close();
  }

  /** The Sylvester-Hadamard matrix of order n (a power of 2) over sqrt(n): orthogonal. */
  private NDArray hadamard(int n) {
    double[][] h = {{1}};
    while (h.length < n) {
      int m = h.length;
      double[][] next = new double[2 * m][2 * m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          next[i][j] = h[i][j];
          next[i][j + m] = h[i][j];
          next[i + m][j] = h[i][j];
          next[i + m][j + m] = -h[i][j];
        }
      }
      h = next;
    }
    return manager.create(h).div(Math.sqrt(n));
  }

  private SliceMatrix linear(NDArray m) {
    return new SliceMatrix("w", m, (int) m.getShape().get(1), 1, false);
  }

  private NDArray gaussian(int rows, int cols, Random random) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
    }
    return manager.create(v, new Shape(rows, cols));
  }

  @Test
  void everySliceOfAnOrthogonalMatrixHasUnitSpectrumAndIndexZero() {
    SliceMatrix w = linear(hadamard(32));
    for (SliceAxis axis : SliceAxis.values()) {
      for (int rank : new int[] {1, 5, 8}) {
        int[] starts = SlicePositions.of(32, rank, 16, 4, 7).starts();
        SliceSpectra spectra = SliceSpectra.of(w, axis, rank, starts);
        for (double[] values : spectra.values()) {
          for (double v : values) {
            assertEquals(1.0, v, 1e-9, axis + " rank " + rank);
          }
        }
        BalanceIndex index = BalanceIndex.of(spectra);
        assertEquals(0.0, index.energyCv(), 1e-9);
        assertEquals(0.0, index.spectralDistance(), 1e-9);
      }
    }
  }

  @Test
  void aConvolutionColumnSliceIsItsInputChannelsAcrossEveryTap() {
    // [16 out, 4 in, 2, 2] from an orthogonal 16 x 16 matrix: 4 input channels of 4 taps
    SliceMatrix conv = new SliceMatrix("conv", hadamard(16), 4, 4, false);
    NDArray slices = conv.slices(SliceAxis.COLUMN, 2, new int[] {1});
    assertEquals(new Shape(1, 16, 8), slices.getShape());
    assertEquals(conv.matrix().get(":, 4:12").toDoubleArray()[5],
        slices.toDoubleArray()[5], 0.0);
    SliceSpectra spectra = SliceSpectra.of(conv, SliceAxis.COLUMN, 2, new int[] {0, 1, 2});
    assertEquals(8, spectra.values()[0].length, "q = min(16 rows, 2 channels x 4 taps)");
    assertEquals(0.0, BalanceIndex.of(spectra).spectralDistance(), 1e-9);
    assertThrows(IllegalArgumentException.class,
        () -> conv.slices(SliceAxis.COLUMN, 5, new int[] {0}), "5 of 4 input channels");
  }

  @Test
  void rowsScaledUpAreFlaggedOnTheRowAxisOnly() {
    // an orthogonal matrix whose first 8 rows are tripled: every column keeps the same energy
    NDArray scale = manager.ones(new Shape(64, 1)).toType(ai.djl.ndarray.types.DataType.FLOAT64,
        false);
    scale.set(new ai.djl.ndarray.index.NDIndex("0:8, :"), 3.0);
    SliceMatrix w = linear(hadamard(64).mul(scale));
    int rank = 5;
    SlicePositions positions = SlicePositions.of(64, rank, 16, 0, 1);
    List<GaussianNull.Slicing> slicings = List.of(
        new GaussianNull.Slicing(SliceAxis.ROW, rank, positions.starts()),
        new GaussianNull.Slicing(SliceAxis.COLUMN, rank, positions.starts()));
    BalanceIndex[][] draws = GaussianNull.simulate(w, slicings, 40, 3, manager);
    BalanceIndex rows = BalanceIndex.of(SliceSpectra.of(w, SliceAxis.ROW, rank,
        positions.starts()));
    BalanceIndex cols = BalanceIndex.of(SliceSpectra.of(w, SliceAxis.COLUMN, rank,
        positions.starts()));
    assertEquals(1.0, GaussianNull.percentile(cv(draws[0]), rows.energyCv()), 1e-12);
    assertEquals(1.0, GaussianNull.percentile(distance(draws[0]), rows.spectralDistance()),
        1e-12);
    assertEquals(0.0, cols.energyCv(), 1e-9, "column energies are all equal");
    assertTrue(GaussianNull.percentile(distance(draws[1]), cols.spectralDistance()) < 0.95,
        "columns are not flagged");
  }

  @Test
  void theNullPercentileIsUniformWhenTheInputIsItselfGaussian() {
    Random random = new Random(11);
    SliceMatrix like = linear(gaussian(12, 10, random));
    int[] starts = SlicePositions.of(12, 2, 4, 0, 0).starts();
    List<GaussianNull.Slicing> slicing = List.of(new GaussianNull.Slicing(SliceAxis.ROW, 2,
        starts));
    int[] quartiles = new int[4];
    int n = 200;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      // each observed matrix against its own null, so the two are exchangeable
      SliceMatrix observed = linear(gaussian(12, 10, random));
      double[] nullCv = cv(GaussianNull.simulate(like, slicing, 19, i, manager)[0]);
      double p = GaussianNull.percentile(nullCv,
          BalanceIndex.of(SliceSpectra.of(observed, SliceAxis.ROW, 2, starts)).energyCv());
      quartiles[Math.min(3, (int) (p * 4))]++;
      sum += p;
    }
    assertEquals(0.5, sum / n, 0.06, "mean percentile");
    for (int q : quartiles) {
      assertTrue(q >= 30 && q <= 70, "quartile counts " + java.util.Arrays.toString(quartiles));
    }
  }

  @Test
  void positionsAreEvenlySpacedThenRandomAndARankLargerThanTheAxisIsRefused() {
    SlicePositions p = SlicePositions.of(384, 8, 16, 4, 1);
    assertEquals(20, p.starts().length);
    assertEquals(0, p.starts()[0]);
    assertEquals(376, p.starts()[15]);
    assertEquals("random", p.kind(16));
    assertEquals(3, SlicePositions.of(3, 1, 16, 4, 1).starts().length, "a short axis");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SlicePositions.of(4, 5, 16, 0, 1));
    assertTrue(e.getMessage().contains("'ranks'"), e.getMessage());
  }

  private static double[] cv(BalanceIndex[] draws) {
    return java.util.Arrays.stream(draws).mapToDouble(BalanceIndex::energyCv).toArray();
  }

  private static double[] distance(BalanceIndex[] draws) {
    return java.util.Arrays.stream(draws).mapToDouble(BalanceIndex::spectralDistance).toArray();
  }
}
