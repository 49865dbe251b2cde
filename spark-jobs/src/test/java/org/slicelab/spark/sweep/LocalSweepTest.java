package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;

/** Sweeps on {@code local[2]}: the smoke grid end to end, and fault injection. */
class LocalSweepTest {
  private static final Path SMOKE = SweepTestSupport.ROOT.resolve("conf/grids/smoke.conf");

  @TempDir
  Path dir;

  @Test
  void smokeGridWritesTrialsCurvesAndPanelsWithProvenance() throws Exception {
    String out = dir.resolve("smoke").toString();
    SweepTestSupport.CliRun run = SweepTestSupport.cli("sweep", "--grid", SMOKE.toString(),
        "--out", out, "--master", "local[2]");
    assertEquals(0, run.exitCode(), run.stderr());
    Map<String, Object> summary = run.json();
    assertEquals(4, summary.get("total"));
    assertEquals(4, summary.get("ran"));
    assertEquals(4, summary.get("ok"), run.stderr());
    assertEquals(0, summary.get("skipped"));
    assertEquals(0, summary.get("failed"));
    assertTrue(summary.keySet().containsAll(List.of("total", "skipped", "ran", "ok", "failed",
        "diverged", "timeout", "crashed", "not_recorded", "all_ok", "seconds", "out")),
        summary.toString());
    assertEquals(true, summary.get("all_ok"));
    long progressLines = run.stderr().lines().filter(l -> l.matches("\\[sweep] \\d/4 ok .*ETA.*"))
        .count();
    assertEquals(4, progressLines, run.stderr());

    SweepTestSupport.withSpark(spark -> {
      Dataset<Row> trials = ResultTables.trials(spark, out);
      List<Row> rows = trials.collectAsList();
      assertEquals(4, rows.size());
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      for (Row row : rows) {
        assertEquals("ok", row.getAs("status"));
        assertNull(row.getAs("error"));
        assertEquals("smoke", row.getAs("grid"));
        String specJson = row.getAs("spec_json");
        assertEquals(HexFormat.of().formatHex(sha.digest(specJson.getBytes(
            StandardCharsets.UTF_8))), row.getAs("trial_id"), "trial_id = sha256(spec_json)");
        assertEquals(16L, (long) row.getAs("train_size"));
        assertEquals(32L, (long) row.getAs("max_len"));
        for (String column : List.of("attempt_id", "sweep_id", "git_commit", "slicelab_version",
            "djl_version", "pytorch_version", "spark_version", "java_version", "os_arch",
            "data_sha256", "weights_sha256", "host", "executor_id", "device", "spark_app_id",
            "spark_master", "started_at", "finished_at", "committed_at", "metrics_json")) {
          assertNotNull(row.getAs(column), column + " is empty");
        }
        assertTrue(((String) row.getAs("git_commit")).matches("[0-9a-f]{40}|unknown"));
        assertEquals("cpu()", row.getAs("device"));
        for (String gpuColumn : List.of("gpu_model", "gpu_driver_version", "cuda_version")) {
          assertEquals("", row.getAs(gpuColumn), gpuColumn + " is empty on the CPU");
        }
        assertEquals("driver", row.getAs("executor_id"));
        assertEquals("local[2]", row.getAs("spark_master"));
        assertEquals(1L, (long) row.getAs("torch_threads"), "spark.task.cpus = 1 thread");
        assertEquals(false, row.getAs("cpu_fallback"));
        assertNull(row.getAs("gpu_address"));
        for (String metric : List.of("val_acc", "test_acc", "test_f1", "train_loss",
            "train_seconds", "eval_seconds", "setup_seconds", "median_step_ms",
            "examples_per_second", "trial_seconds")) {
          double v = row.getAs(metric);
          assertTrue(v >= 0 && Double.isFinite(v), metric + " = " + v);
        }
        assertEquals(2L, (long) row.getAs("steps"), "16 examples, batch 8, 1 epoch");
        assertTrue((long) row.getAs("trainable_params") > 0);
        assertTrue((long) row.getAs("total_params") > 20_000_000L);
        List<String> panels = row.getList(row.fieldIndex("panels"));
        boolean shared = row.getAs("method").equals("slicefine") && (long) row.getAs("rank") == 2;
        assertEquals(shared ? List.of("methods", "slice_rank") : List.of(
            row.getAs("method").equals("slicefine") ? "slice_rank" : "methods"), panels);
      }
      assertEquals(List.of("full", "head", "slicefine", "slicefine"), rows.stream()
          .map(r -> (String) r.getAs("method")).sorted().toList());

      Dataset<Row> curves = ResultTables.curves(spark, out);
      Map<String, Long> perAttempt = curves.groupBy(ResultSchema.ATTEMPT_ID).count()
          .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0),
              r -> r.getLong(1)));
      assertEquals(4, perAttempt.size(), "every attempt has curves");
      perAttempt.values().forEach(n -> assertTrue(n >= 3, "curve points: " + n));
      assertEquals(4, curves.filter("split = 'test' and metric = 'accuracy'").count());
      assertTrue(curves.filter("split = 'train' and metric = 'loss'").count() >= 4);

      assertEquals(3, ResultTables.panelTrials(spark, out, "smoke", "methods").count());
      assertEquals(2, ResultTables.panelTrials(spark, out, "smoke", "slice_rank").count());
      return null;
    });

    SweepTestSupport.CliRun plan = SweepTestSupport.cli("sweep", "--grid", SMOKE.toString(),
        "--out", out, "--dry-run");
    assertEquals(0, plan.exitCode(), plan.stderr());
    assertEquals(Map.of("total", 4, "to_run", 0, "to_skip", 4), Map.of(
        "total", plan.json().get("total"), "to_run", plan.json().get("to_run"),
        "to_skip", plan.json().get("to_skip")));
  }

  @Test
  void faultsBecomeFailedDivergedAndTimeoutRows() {
    // fault = cuda: in local mode the executor is the driver, so a CUDA error stays a failed row
    // (with a note) instead of ending the JVM; a cluster executor ends itself
    // (ClusterFaultToleranceTest)
    Path grid = SweepTestSupport.writeGrid(dir, "faults.conf", "name = faults\n"
        + SweepTestSupport.TINY
        + "panels { f { fixed { method = head }, axes { fault = [none, throw, nan, sleep, cuda] } } }\n");
    String out = dir.resolve("faults").toString();
    SweepTestSupport.CliRun run = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out, "--master", "local[2]", "--trial-timeout", "25");
    assertEquals(SliceLab.EXIT_NOT_ALL_OK, run.exitCode(), "4 of 5 trials are not ok: "
        + run.stderr());
    assertEquals(false, run.json().get("all_ok"));
    Map<String, Object> s = run.json();
    assertEquals(List.of(5, 1, 2, 1, 1), List.of(s.get("ran"), s.get("ok"), s.get("failed"),
        s.get("diverged"), s.get("timeout")), s.toString());

    SweepTestSupport.withSpark(spark -> {
      Map<String, Row> byFault = ResultTables.trials(spark, out).collectAsList().stream()
          .collect(Collectors.toMap(r -> r.getAs("fault"), r -> r));
      assertEquals("ok", byFault.get("none").getAs("status"));
      assertNull(byFault.get("none").getAs("error"));
      assertEquals("failed", byFault.get("throw").getAs("status"));
      assertTrue(((String) byFault.get("throw").getAs("error"))
          .contains("injected fault (fault = throw)"));
      String cuda = byFault.get("cuda").getAs("error");
      assertEquals("failed", byFault.get("cuda").getAs("status"), cuda);
      assertTrue(cuda.contains("CUDA error: an illegal memory access")
          && cuda.contains("local-mode executor") && cuda.contains("--retry-failed"), cuda);
      assertEquals("diverged", byFault.get("nan").getAs("status"));
      assertNotNull(byFault.get("nan").getAs("error"));
      assertEquals("timeout", byFault.get("sleep").getAs("status"));
      assertTrue(((String) byFault.get("sleep").getAs("error"))
          .contains("exceeded --trial-timeout of 25 s; it stopped"),
          (String) byFault.get("sleep").getAs("error"));
      assertTrue((double) byFault.get("sleep").getAs("trial_seconds") >= 25);
      for (Row row : byFault.values()) {
        assertNotNull(row.getAs("djl_version"));
        assertNotNull(row.getAs("host"));
      }
      return null;
    });

    Map<String, Object> again = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out, "--dry-run").json();
    assertEquals(List.of(0, 5), List.of(again.get("to_run"), again.get("to_skip")),
        "failed trials are not rerun by default");
    Map<String, Object> retry = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out, "--dry-run", "--retry-failed").json();
    assertEquals(List.of(4, 1), List.of(retry.get("to_run"), retry.get("to_skip")),
        "--retry-failed reruns failed, diverged and timeout trials");
  }
}
