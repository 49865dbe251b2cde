package org.slicelab.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.Datasets;

/** A Parquet file as a dataset, found through the ServiceLoader registration. */
class ParquetTableReaderTest {

  @Test
  void parquetFileIsADatasetWithItsColumns(@TempDir Path dir) throws Exception {
    MessageType schema = MessageTypeParser.parseMessageType(
        "message m { required binary body (UTF8); required int32 stars; optional binary note "
            + "(UTF8); }");
    Path file = dir.resolve("reviews.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer = ExampleParquetWriter
        .builder(new org.apache.hadoop.fs.Path(file.toUri())).withType(schema)
        .withConf(new Configuration()).build()) {
      for (int i = 0; i < 30; i++) {
        writer.write(groups.newGroup().append("body", "review " + i).append("stars", 1 + i % 3));
      }
    }
    Dataset d = Datasets.get(file + "?text=body&label=stars");
    assertEquals(List.of("1", "2", "3"), d.labelNames());
    assertEquals(30, d.splits().train().size() + d.splits().validation().size()
        + d.splits().test().size());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Datasets.get(file + "?text=review&label=stars"));
    assertTrue(missing.getMessage().contains("no column 'review'; its columns: body, stars, note"),
        missing.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> Datasets.get(file + "?text=note&label=stars"));
    assertTrue(empty.getMessage().contains("empty text at row 1"), empty.getMessage());
  }
}
