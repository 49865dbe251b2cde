package org.slicelab.ablations.select;

import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.config.Option;

/**
 * Where a static slice sits: {@code rank} rows or columns starting at {@code position}, an
 * index ({@code "40"}) or a fraction of the dimension ({@code "0.5"}).
 *
 * @param rank slice rank r
 * @param position an index or a fraction in [0, 1), as written in the trial option
 */
public record SliceWindow(int rank, String position) {
  /** Option {@code position}: the slice start. */
  public static final Option<String> POSITION = Option.text("position", "0",
      "slice start: index (40) or fraction of the dimension (0.5)", SliceWindow::validPosition,
      "an index >= 0 (\"40\") or a fraction of the dimension in [0, 1) (\"0.5\")")
      .readWith(SliceWindow::positionText);

  /**
   * The first index of the window in a dimension of size {@code dim}: an integer is an index, a
   * value with a decimal point a fraction of {@code dim} (moved down so the window fits). The
   * window must fit: {@code start + rank <= dim}.
   */
  public int start(int dim, String layerName) {
    String p = position.trim();
    int start = p.contains(".") ? (int) Math.floor(Double.parseDouble(p) * dim)
        : Integer.parseInt(p);
    WeightLayer.checkRank(rank, dim, layerName);
    if (p.contains(".")) {
      start = Math.min(start, dim - rank);
    }
    if (start + rank > dim) {
      throw Option.invalid("position", position, "a start with position + rank <= " + dim
          + " (dimension of " + layerName + ", rank " + rank + ")");
    }
    return start;
  }

  private static boolean validPosition(String position) {
    try {
      double p = Double.parseDouble(position.trim());
      return !(p < 0 || (p != Math.rint(p) && p >= 1));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Grid files write the position as a number, the command line as a string. */
  private static String positionText(Object value) {
    if (value instanceof Number n) {
      return (n instanceof Double || n instanceof Float) ? Double.toString(n.doubleValue())
          : Long.toString(n.longValue());
    }
    return value == null ? null : value.toString();
  }
}
