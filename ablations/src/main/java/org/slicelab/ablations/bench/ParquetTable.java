package org.slicelab.ablations.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes flat rows ({@code column -> String / Integer / Long / Double / Boolean / null}) to one
 * local Parquet file (snappy), from the driver, without a Spark job. The schema is taken from the
 * first non-null value of each column, or from a declared type: a column that may be null in
 * every row of one file but not of another (one partition of a table per file) must be declared,
 * or the files disagree on its type and Spark cannot read them together. Every column is
 * optional. Spark reads the file as usual ({@code spark.read().parquet(dir)}).
 */
public final class ParquetTable {
  /** Marks a column seen only as null so far (a string unless declared). */
  private static final Object NONE = new Object();

  private ParquetTable() {
  }

  /** Writes {@code rows} to {@code file}, replacing it; column types from the values. */
  public static void write(Path file, String name, List<Map<String, Object>> rows) {
    write(file, name, rows, Map.of());
  }

  /**
   * Writes {@code rows} to {@code file}, replacing it; {@code declared} gives the type of a
   * column (an example value, e.g. {@code 0.0} or {@code 0L}) that may be null in every row.
   */
  public static void write(Path file, String name, List<Map<String, Object>> rows,
      Map<String, Object> declared) {
    Map<String, Object> examples = new LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      // the first non-null value of a column decides its type
      row.forEach((k, v) -> examples.merge(k, v == null ? NONE : v,
          (seen, value) -> seen == NONE ? value : seen));
    }
    examples.replaceAll((k, v) -> declared.containsKey(k) ? declared.get(k) : v);
    Types.MessageTypeBuilder builder = Types.buildMessage();
    List<String> columns = new ArrayList<>(examples.keySet());
    for (String c : columns) {
      Object v = examples.get(c);
      if (v instanceof Integer || v instanceof Long) {
        builder.optional(PrimitiveTypeName.INT64).named(c);
      } else if (v instanceof Float || v instanceof Double) {
        builder.optional(PrimitiveTypeName.DOUBLE).named(c);
      } else if (v instanceof Boolean) {
        builder.optional(PrimitiveTypeName.BOOLEAN).named(c);
      } else {
        builder.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
            .named(c);
      }
    }
    MessageType schema = builder.named(name);
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
          .withType(schema)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .build()) {
        for (Map<String, Object> row : rows) {
          Group g = groups.newGroup();
          for (Map.Entry<String, Object> e : row.entrySet()) {
            Object v = e.getValue();
            if (v == null || (v instanceof Double d && d.isNaN())) {
              continue;
            }
            Object type = examples.get(e.getKey());
            if (type instanceof Integer || type instanceof Long) {
              g.append(e.getKey(), ((Number) v).longValue());
            } else if (type instanceof Float || type instanceof Double) {
              g.append(e.getKey(), ((Number) v).doubleValue());
            } else if (type instanceof Boolean) {
              g.append(e.getKey(), (Boolean) v);
            } else {
              g.append(e.getKey(), v.toString());
            }
          }
          writer.write(g);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
