package org.slicelab.spark.results;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.slicelab.spark.results.ResultSchema.Column;

/**
 * Writes and reads rows ({@code Map<column, value>}) as Parquet files with parquet-hadoop,
 * directly from the driver: no Spark job, so writing results never competes with trials for
 * task slots, and the output only has to be reachable from the driver.
 */
final class ParquetRows {
  private ParquetRows() {
  }

  /** Writes {@code rows} to a new file {@code file} (snappy, one row group). */
  static void write(Configuration conf, Path file, String table, List<Column> columns,
      List<Map<String, Object>> rows) throws IOException {
    MessageType schema = ResultSchema.parquet(table, columns);
    Map<String, Column> byName = new HashMap<>();
    columns.forEach(c -> byName.put(c.name(), c));
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer = ExampleParquetWriter
        .builder(HadoopOutputFile.fromPath(file, conf))
        .withConf(conf)
        .withType(schema)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.CREATE)
        .build()) {
      for (Map<String, Object> row : rows) {
        Group group = groups.newGroup();
        for (Map.Entry<String, Object> e : row.entrySet()) {
          Column column = byName.get(e.getKey());
          if (column == null) {
            throw new IllegalStateException("no column '" + e.getKey() + "' in table " + table);
          }
          if (e.getValue() != null) {
            put(group, column, e.getValue());
          }
        }
        writer.write(group);
      }
    }
  }

  private static void put(Group group, Column column, Object value) {
    String name = column.name();
    switch (column.type()) {
      case STRING -> group.append(name, value.toString());
      case LONG -> group.append(name, ((Number) value).longValue());
      case DOUBLE -> group.append(name, ((Number) value).doubleValue());
      case BOOLEAN -> group.append(name, (Boolean) value);
      case TIMESTAMP -> group.append(name, ChronoUnit.MICROS.between(Instant.EPOCH,
          (Instant) value));
      case STRING_LIST -> {
        Group list = group.addGroup(name);
        for (Object element : (List<?>) value) {
          list.addGroup("list").append("element", element.toString());
        }
      }
      default -> throw new IllegalStateException(column.toString());
    }
  }

  /** Reads the string columns {@code names} of every row of {@code file} (nulls kept). */
  static List<String[]> readStrings(Configuration conf, Path file, String table,
      List<String> names) throws IOException {
    List<Column> projection = new ArrayList<>();
    names.forEach(n -> projection.add(new Column(n, ResultSchema.ColumnType.STRING)));
    Configuration c = new Configuration(conf);
    c.set(ReadSupport.PARQUET_READ_SCHEMA, ResultSchema.parquet(table, projection).toString());
    List<String[]> out = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(c).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        String[] values = new String[names.size()];
        for (int i = 0; i < names.size(); i++) {
          values[i] = g.getFieldRepetitionCount(names.get(i)) == 0 ? null
              : g.getString(names.get(i), 0);
        }
        out.add(values);
      }
    }
    return out;
  }
}
