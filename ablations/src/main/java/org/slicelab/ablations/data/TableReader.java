package org.slicelab.ablations.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads the rows of one table file (CSV, TSV, JSON lines; Parquet where a reader is
 * registered through {@link java.util.ServiceLoader}) as string columns. A reader reports an
 * unreadable row or a missing column with the file and the line or row number.
 */
public interface TableReader {
  /** File extensions (lower case, without the dot) this reader handles. */
  List<String> extensions();

  /**
   * Reads {@code columns} of every row; a null column name yields null values.
   *
   * @return one {@code String[columns.size()]} per row, with its 1-based line or row number in
   *     {@link Row#position()}
   * @throws IllegalArgumentException naming the file and the missing column or bad row
   */
  List<Row> read(Path file, List<String> columns);

  /**
   * One row's values.
   *
   * @param position where the row is, for messages (e.g. "line 12" or "row 12")
   * @param values the requested columns' values, in order
   */
  record Row(String position, String[] values) {
  }
}
