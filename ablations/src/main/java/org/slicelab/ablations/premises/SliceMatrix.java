package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;

/**
 * A weight (or its gradient) seen as the matrix {@link WeightLayer} describes: {@code rows} output
 * units by {@code columnUnits * taps} columns, input unit j spanning the columns
 * {@code [j * taps, (j + 1) * taps)} (a convolution kernel [out, in, kh, kw] is the matrix
 * out x in*kh*kw; a depthwise kernel [channels, 1, kh, kw] is channels x kh*kw, and its column
 * units are its rows). A row slice at p of rank r is {@code W[p:p+r, :]}; a column slice is the
 * r input units {@code p..p+r-1} across every tap, {@code W[:, p*taps:(p+r)*taps]} (on a depthwise
 * kernel, the row slice).
 *
 * @param name the layer's name
 * @param matrix the values [rows, columnUnits * taps] (float64)
 * @param columnUnits input units (features or channels)
 * @param taps matrix columns per input unit
 * @param unitsShared rows and input units are the same units (depthwise)
 */
public record SliceMatrix(String name, NDArray matrix, int columnUnits, int taps,
    boolean unitsShared) {

  /** Checks the shape. */
  public SliceMatrix {
    if (matrix.getShape().dimension() != 2
        || matrix.getShape().get(1) != (long) (unitsShared ? 1 : columnUnits) * taps) {
      throw new IllegalArgumentException("matrix of " + name + " has shape " + matrix.getShape()
          + ", expected [rows, " + (unitsShared ? taps : columnUnits + " * " + taps) + "]");
    }
  }

  /** The weight of {@code layer} as a float64 matrix in the weight's manager. */
  public static SliceMatrix of(WeightLayer layer) {
    return of(layer, layer.weight());
  }

  /**
   * {@code values}, an array of the shape of {@code layer}'s weight (its gradient, or a
   * re-initialised copy), as a float64 matrix in the array's manager.
   */
  public static SliceMatrix of(WeightLayer layer, NDArray values) {
    if (!values.getShape().equals(layer.weight().getShape())) {
      throw new IllegalArgumentException("values of shape " + values.getShape()
          + " do not match the weight of " + layer.name() + " " + layer.weight().getShape());
    }
    NDArray matrix = values.toType(DataType.FLOAT64, true)
        .reshape(layer.units(SliceAxis.ROW), -1);
    return new SliceMatrix(layer.name(), matrix, layer.units(SliceAxis.COLUMN), layer.taps(),
        layer.unitsShared());
  }

  /** Output units. */
  public int rows() {
    return (int) matrix.getShape().get(0);
  }

  /** The units of {@code axis}: rows, or input units (a depthwise kernel's rows). */
  public int units(SliceAxis axis) {
    return axis == SliceAxis.ROW ? rows() : columnUnits;
  }

  /** ||W||_F^2. */
  public double squaredNorm() {
    return matrix.square().sum().getDouble();
  }

  /**
   * The slices of rank {@code rank} at {@code starts} along {@code axis}, stacked:
   * [starts, rank, columns] for rows (and depthwise), [starts, rows, rank * taps] for columns.
   */
  public NDArray slices(SliceAxis axis, int rank, int[] starts) {
    checkSlices(axis, rank, starts);
    NDList parts = new NDList(starts.length);
    for (int p : starts) {
      parts.add(axis == SliceAxis.ROW || unitsShared
          ? matrix.get("{}:{}, :", p, p + rank)
          : matrix.get(":, {}:{}", p * taps, (p + rank) * taps));
    }
    return NDArrays.stack(parts);
  }

  /** ||W_slice||_F^2 of every slice of {@link #slices}. */
  public double[] sliceEnergies(SliceAxis axis, int rank, int[] starts) {
    return slices(axis, rank, starts).square().sum(new int[] {1, 2}).toDoubleArray();
  }

  /**
   * ||W_u||_F^2 of every unit u of {@code axis}: each row, or each input unit across its taps
   * (a depthwise kernel: each row). The energy of any slice, contiguous or scattered, is the sum
   * over its units.
   */
  public double[] unitEnergies(SliceAxis axis) {
    NDArray squares = matrix.square();
    if (axis == SliceAxis.ROW || unitsShared) {
      return squares.sum(new int[] {1}).toDoubleArray();
    }
    return squares.sum(new int[] {0}).reshape(columnUnits, taps).sum(new int[] {1})
        .toDoubleArray();
  }

  private void checkSlices(SliceAxis axis, int rank, int[] starts) {
    int units = units(axis);
    if (rank < 1 || rank > units) {
      throw new IllegalArgumentException("option 'ranks' value " + rank + " is invalid for "
          + name + ": a " + axis.label() + " slice must have 1 to " + units + " units");
    }
    for (int p : starts) {
      if (p < 0 || p + rank > units) {
        throw new IllegalArgumentException("slice start " + p + " of rank " + rank
            + " does not fit the " + units + " " + axis.label() + " units of " + name);
      }
    }
  }
}
