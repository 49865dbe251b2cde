package org.slicelab.spark.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.train.CurvePoint;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.backbone.LocalTestFileSystem;
import org.slicelab.spark.sweep.SweepTestSupport;

class ResultStoreTest {
  @TempDir
  Path dir;

  private static final RunInfo RUN = new RunInfo("s1", "g", "g.conf", "abc", false, "local[1]",
      "app-1");

  static TrialAttempt attempt(TrialSpec spec, String status, long started) {
    return new TrialAttempt(TrialAttempt.newAttemptId(), spec.trialId(), spec.toJson(), status,
        status.equals("ok") ? null : "boom", Map.of("val_acc", 0.75, "steps", 2,
            "trial_seconds", 1.5, "new_metric", 3),
        List.of(new CurvePoint(1, 0, "train", "loss", 0.7),
            new CurvePoint(2, 0, "train", "loss", 0.6)),
        Map.of("host", "h", "djl_version", "0.32.0", "data_sha256", "d"), "cpu()", "1", true,
        "7", started, started + 2500, 1, 0);
  }

  @Test
  void batchesAreCommittedAtomicallyAndReadBackBySpark() throws Exception {
    ResultStore store = ResultStore.open(dir.resolve("out").toString());
    assertTrue(store.statusesByTrial().isEmpty(), "nothing before the first write");
    store.prepare();
    TrialSpec a = TrialSpec.builder().method("head").seed(1).build();
    TrialSpec b = TrialSpec.builder().method("head").seed(2).build();
    long t0 = System.currentTimeMillis() - 10_000;
    TrialAttempt failed = attempt(a, "failed", t0);
    TrialAttempt ok = attempt(a, "ok", t0 + 5000);
    TrialAttempt other = attempt(b, "diverged", t0);
    commit(store, List.of(failed, other), List.of("p1"));
    commit(store, List.of(ok), List.of("p1", "p2"));
    store.appendPanels(new ArrayList<>(List.of(TrialRows.panel(RUN, "p1", a.trialId()),
        TrialRows.panel(RUN, "p1", b.trialId()), TrialRows.panel(RUN, "p2", a.trialId()))));

    // a half-written batch of a killed driver: invisible to readers and to resume
    Path junk = dir.resolve("out/_staging/dead/bX/trials");
    Files.createDirectories(junk);
    Files.writeString(junk.resolve("part-00000.parquet"), "not parquet");

    Map<String, List<String>> statuses = store.statusesByTrial();
    assertEquals(List.of("failed", "ok"), statuses.get(a.trialId()));
    assertEquals(List.of("diverged"), statuses.get(b.trialId()));
    assertEquals(3, store.panelEntries().size());
    assertEquals(2, store.batches(ResultSchema.TRIALS).size());
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".crc")),
          "no Hadoop checksum side files");
    }

    // a driver killed between the curves rename and the trials rename leaves curves whose
    // attempt has no trials row: readers must not see them
    TrialAttempt lost = attempt(b, "ok", t0);
    ParquetRows.write(new org.apache.hadoop.conf.Configuration(), new org.apache.hadoop.fs.Path(
        dir.resolve("out/curves/batch=bZZZ/part-00000.snappy.parquet").toUri()),
        ResultSchema.CURVES, ResultSchema.curveColumns(), TrialRows.curves(lost));

    String out = dir.resolve("out").toString();
    SweepTestSupport.withSpark(spark -> {
      Dataset<Row> trials = ResultTables.trials(spark, out);
      StructType schema = trials.schema();
      assertEquals(DataTypes.createArrayType(DataTypes.StringType, true),
          schema.apply("panels").dataType());
      assertEquals(DataTypes.TimestampType, schema.apply("started_at").dataType());
      assertEquals(DataTypes.LongType, schema.apply("train_size").dataType());
      assertEquals(DataTypes.DoubleType, schema.apply("val_acc").dataType());
      assertEquals(DataTypes.StringType, schema.apply("batch").dataType());
      assertEquals(3, trials.count());
      Row okRow = trials.filter("status = 'ok'").first();
      assertEquals(a.trialId(), okRow.getAs("trial_id"));
      assertEquals(List.of("p1", "p2"), okRow.getList(okRow.fieldIndex("panels")));
      assertEquals(0.75, (double) okRow.getAs("val_acc"));
      assertEquals(2L, (long) okRow.getAs("steps"));
      assertEquals((long) a.trainSize(), (long) okRow.getAs("train_size"));
      assertEquals("head", okRow.getAs("method"));
      assertEquals(true, okRow.getAs("cpu_fallback"));
      assertEquals(2.5, (double) okRow.getAs("attempt_seconds"));
      assertEquals(new Timestamp(ok.startedMillis()), okRow.getAs("started_at"));
      assertTrue(((String) okRow.getAs("metrics_json")).contains("\"new_metric\":3"));
      assertNull(okRow.getAs("error"));
      assertEquals("abc", okRow.getAs("git_commit"));

      Dataset<Row> latest = ResultTables.latest(trials);
      assertEquals(2, latest.count());
      assertEquals("ok", latest.filter("trial_id = '" + a.trialId() + "'").first()
          .getAs("status"));

      assertEquals(8, spark.read().parquet(dir.resolve("out/curves").toString()).count());
      assertEquals(6, ResultTables.curves(spark, out).count(), "orphan curves are dropped");
      assertEquals(2, ResultTables.panelTrials(spark, out, "g", "p1").count());
      assertEquals(1, ResultTables.panelTrials(spark, out, "g", "p2").count());
      return null;
    });
  }

  @Test
  void aHadoopLocationLeavesTheSharedFileSystemUsable() throws Exception {
    String out = LocalTestFileSystem.SCHEME + "://" + dir.resolve("remote");
    ResultStore.open(out).prepare();
    // the file system of a non-file scheme is cached and shared with other users in the JVM
    FileSystem shared = FileSystem.get(URI.create(out), new Configuration());
    assertTrue(FileSystem.getLocal(shared.getConf()) instanceof LocalFileSystem,
        "the results store's local-file settings must not reach it");
  }

  @Test
  void outMustBeADirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResultStore.open(file.toString()));
    assertTrue(e.getMessage().contains("'--out'") && e.getMessage().contains("not a directory"),
        e.getMessage());
  }

  private static void commit(ResultStore store, List<TrialAttempt> attempts,
      List<String> panels) {
    List<Map<String, Object>> trials = new ArrayList<>();
    List<Map<String, Object>> curves = new ArrayList<>();
    for (TrialAttempt a : attempts) {
      trials.add(TrialRows.trial(a, RUN, panels));
      curves.addAll(TrialRows.curves(a));
    }
    store.append(trials, curves);
  }
}
