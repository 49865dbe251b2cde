package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.results.ResultTables;

/**
 * A real Spark standalone cluster on 127.0.0.1 ({@link LocalStandaloneCluster}), the worker
 * offering two (fake) GPU addresses through a discovery script; executors are launched by the
 * worker as further JVMs. The sweep driver is this JVM.
 */
class StandaloneClusterTest {
  @TempDir
  static Path dir;

  private static LocalStandaloneCluster cluster;
  private static LocalStandaloneCluster.Worker worker;

  @BeforeAll
  static void startCluster() throws Exception {
    Path discovery = dir.resolve("fake-gpus.sh");
    Files.writeString(discovery,
        "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
    cluster = LocalStandaloneCluster.start(dir);
    worker = cluster.addWorker("worker", "127.0.0.1", 2, "3g",
        List.of("-Dspark.worker.resource.gpu.amount=2",
            "-Dspark.worker.resource.gpu.discoveryScript=" + discovery));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sweepOnClusterGetsDistinctGpusForConcurrentTrialsAndFallsBackToCpu() {
    Path grid = SweepTestSupport.writeGrid(dir, "cluster.conf", "name = cluster\n"
        + SweepTestSupport.TINY
        + "panels { p { fixed { method = head }, axes { seeds = [1, 2, 3, 4] } } }\n");
    String out = dir.resolve("fallback").toString();
    SweepTestSupport.CliRun run = sweep(grid, out, "--allow-cpu-fallback");
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(4, run.json().get("ok"), run.stderr() + "\nworker log:\n"
        + SweepTestSupport.tail(cluster.log(worker.name()), 30));

    SweepTestSupport.withSpark(spark -> {
      List<Row> rows = ResultTables.trials(spark, out).collectAsList();
      assertEquals(4, rows.size());
      for (Row r : rows) {
        assertEquals("ok", r.getAs("status"));
        assertTrue(Set.of("0", "1").contains((String) r.getAs("gpu_address")),
            "gpu_address = " + r.getAs("gpu_address"));
        assertEquals(true, r.getAs("cpu_fallback"));
        assertEquals("cpu()", r.getAs("device"));
        assertNotEquals("driver", r.getAs("executor_id"), "ran on a worker's executor");
        assertEquals(cluster.masterUrl(), r.getAs("spark_master"));
      }
      int overlapping = 0;
      for (int i = 0; i < rows.size(); i++) {
        for (int j = i + 1; j < rows.size(); j++) {
          Row a = rows.get(i);
          Row b = rows.get(j);
          boolean concurrent = ((Timestamp) a.getAs("started_at")).before(b.getAs("finished_at"))
              && ((Timestamp) b.getAs("started_at")).before(a.getAs("finished_at"));
          if (concurrent) {
            overlapping++;
            assertNotEquals((String) a.getAs("gpu_address"), b.getAs("gpu_address"),
                "concurrent trials must hold different GPUs");
          }
        }
      }
      assertTrue(overlapping >= 1, "two task slots: some trials ran concurrently");
      return null;
    });

    String strict = dir.resolve("strict").toString();
    SweepTestSupport.CliRun noFallback = sweep(grid, strict);
    assertEquals(SliceLab.EXIT_NOT_ALL_OK, noFallback.exitCode(), noFallback.stderr());
    assertEquals(4, noFallback.json().get("failed"), noFallback.stderr());
    SweepTestSupport.withSpark(spark -> {
      Map<String, Long> errors = ResultTables.trials(spark, strict).collectAsList().stream()
          .collect(Collectors.groupingBy(r -> {
            String e = r.getAs("error");
            assertTrue(e.contains("sees no GPU") && e.contains("--allow-cpu-fallback")
                && e.contains("-Pgpu"), e);
            return (String) r.getAs("status") + "/" + r.getAs("gpu_address");
          }, Collectors.counting()));
      assertEquals(4, errors.values().stream().mapToLong(Long::longValue).sum());
      assertTrue(errors.keySet().stream().allMatch(k -> k.matches("failed/[01]")),
          errors.toString());
      return null;
    });
  }

  private static SweepTestSupport.CliRun sweep(Path grid, String out, String... extra) {
    return SweepTestSupport.cli(cluster.sweepArgs(grid, out, List.of(
        "spark.executor.cores=2",
        "spark.executor.memory=1500m",
        "spark.executor.resource.gpu.amount=2",
        "spark.task.resource.gpu.amount=1"), extra).toArray(String[]::new));
  }
}
