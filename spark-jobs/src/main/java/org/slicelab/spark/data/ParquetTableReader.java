package org.slicelab.spark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.GroupType;
import org.slicelab.ablations.data.TableReader;

/**
 * Reads Parquet files for {@code dataset} values that name a file or directory, with the
 * parquet-hadoop library Spark already ships (registered through {@link java.util.ServiceLoader},
 * so the trial code in {@code ablations} needs no Hadoop). Top-level primitive columns only;
 * values are read as their string form, row numbers are 1-based.
 */
public final class ParquetTableReader implements TableReader {

  @Override
  public List<String> extensions() {
    return List.of("parquet");
  }

  @Override
  public List<Row> read(Path file, List<String> columns) {
    List<Row> rows = new ArrayList<>();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
        .withConf(new Configuration()).build()) {
      long number = 0;
      while (true) {
        Group group;
        try {
          group = reader.read();
        } catch (ParquetDecodingException | IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": unreadable row " + (number + 1) + " ("
              + e.getMessage() + ")", e);
        }
        if (group == null) {
          break;
        }
        number++;
        GroupType schema = group.getType();
        String[] values = new String[columns.size()];
        for (int i = 0; i < values.length; i++) {
          String column = columns.get(i);
          if (column == null) {
            continue;
          }
          if (!schema.containsField(column)) {
            List<String> names = schema.getFields().stream()
                .map(org.apache.parquet.schema.Type::getName).toList();
            throw new IllegalArgumentException(file + " has no column '" + column
                + "'; its columns: " + String.join(", ", names));
          }
          int field = schema.getFieldIndex(column);
          if (!schema.getType(field).isPrimitive()) {
            throw new IllegalArgumentException(file + ": column '" + column
                + "' is not a primitive column");
          }
          values[i] = group.getFieldRepetitionCount(field) == 0 ? null
              : group.getValueToString(field, 0);
        }
        rows.add(new Row("row " + number, values));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Parquet file " + file, e);
    }
    return rows;
  }
}
