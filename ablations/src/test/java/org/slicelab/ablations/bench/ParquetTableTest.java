package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column types of a written table: from the first non-null value of each column, whatever row
 * it is in, or declared for a column that is null in every row (so that the files of one
 * table's partitions agree and Spark can read them together).
 */
class ParquetTableTest {
  @TempDir
  Path dir;

  private static Map<String, Object> row(Object rho, Object count) {
    Map<String, Object> row = new HashMap<>();
    row.put("scope", "all");
    row.put("rho", rho);
    row.put("count", count);
    return row;
  }

  private String type(Path file, String column) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      return schema.getType(column).asPrimitiveType().getPrimitiveTypeName().name();
    }
  }

  @Test
  void aColumnTakesTheTypeOfItsFirstNonNullValueInAnyRow() throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>(List.of(row(null, null), row(0.5, 3)));
    Path file = dir.resolve("a.parquet");
    ParquetTable.write(file, "t", rows);
    assertEquals("DOUBLE", type(file, "rho"));
    assertEquals("INT64", type(file, "count"));
    assertEquals("BINARY", type(file, "scope"));
  }

  @Test
  void aColumnNullInEveryRowTakesItsDeclaredType() throws IOException {
    Path file = dir.resolve("b.parquet");
    ParquetTable.write(file, "t", List.of(row(null, null)), Map.of("rho", 0.0, "count", 0L));
    assertEquals("DOUBLE", type(file, "rho"));
    assertEquals("INT64", type(file, "count"));
    Path undeclared = dir.resolve("c.parquet");
    ParquetTable.write(undeclared, "t", List.of(row(null, null)));
    assertEquals("BINARY", type(undeclared, "rho"), "undeclared and never seen: a string");
  }
}
