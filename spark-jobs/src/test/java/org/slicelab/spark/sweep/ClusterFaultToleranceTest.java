package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.DeviceErrors;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultStore;
import org.slicelab.spark.results.ResultTables;

/**
 * Infrastructure failures during a sweep on a real standalone cluster
 * ({@link LocalStandaloneCluster}): two workers on two loopback hosts, one core each, so two
 * trials run at once on two nodes. Each test starts its own two workers and ends them.
 *
 * <p>Behind {@code -Plong}: every test starts fresh executor JVMs that load the backbone (the
 * crash test four times over), well over a minute per test even on an idle 2-core machine.
 */
@Tag("long")
class ClusterFaultToleranceTest {
  /** Upper bound only: on a loaded 2-core machine executors take minutes to load the backbone. */
  private static final long SWEEP_LIMIT_SECONDS = 900;
  @TempDir
  static Path dir;

  private static LocalStandaloneCluster cluster;
  private final List<LocalStandaloneCluster.Worker> workers = new ArrayList<>();

  @BeforeAll
  static void startMaster() throws Exception {
    cluster = LocalStandaloneCluster.start(dir);
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void startWorkers(TestInfo test) throws Exception {
    String name = test.getTestMethod().orElseThrow().getName();
    workers.addAll(cluster.addWorkers(name, List.of("127.0.0.1", "127.0.0.2"), 1, "2g"));
  }

  @AfterEach
  void stopWorkers() throws InterruptedException {
    for (LocalStandaloneCluster.Worker w : workers) {
      if (w.process().isAlive()) {
        w.kill9();
      }
    }
  }

  @Test
  void killedExecutorMidSweepLosesNoTrial() throws Exception {
    Path grid = grid("kill-executor", "fixed { method = head }, axes { seed = [1, 2, 3, 4, 5, 6] }");
    String out = dir.resolve("kill-executor").toString();
    CompletableFuture<SweepTestSupport.CliRun> sweep = start(grid, out);

    awaitFirstCommit(out, sweep);
    ProcessHandle victim = busyExecutor();
    LocalStandaloneCluster.kill9(victim);

    SweepTestSupport.CliRun run = sweep.get(SWEEP_LIMIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(SliceLab.EXIT_OK, run.exitCode(), run.stderr());
    assertEquals(6, run.json().get("ok"), run.stderr());
    List<Row> rows = okOnceEach(out, 6);
    assertTrue(rows.stream().anyMatch(r -> (long) r.getAs("spark_attempt") >= 1),
        "the trial of the killed executor was retried by Spark: " + attempts(rows));
  }

  @Test
  void lostWorkerSweepFinishesOnTheSurvivor() throws Exception {
    Path grid = grid("kill-worker", "fixed { method = head }, axes { seed = [1, 2, 3, 4, 5, 6] }");
    String out = dir.resolve("kill-worker").toString();
    CompletableFuture<SweepTestSupport.CliRun> sweep = start(grid, out);

    awaitFirstCommit(out, sweep);
    LocalStandaloneCluster.Worker lost = workers.get(1);
    LocalStandaloneCluster.Worker survivor = workers.get(0);
    Set<String> lostExecutors = lost.executors().stream()
        .map(LocalStandaloneCluster::executorId).collect(Collectors.toSet());
    long killedAt = System.currentTimeMillis();
    lost.kill9();

    SweepTestSupport.CliRun run = sweep.get(SWEEP_LIMIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(SliceLab.EXIT_OK, run.exitCode(), run.stderr());
    List<Row> rows = okOnceEach(out, 6);
    List<Row> afterKill = rows.stream()
        .filter(r -> ((Timestamp) r.getAs("started_at")).getTime() > killedAt).toList();
    assertFalse(afterKill.isEmpty(), "trials ran after the worker was lost: " + attempts(rows));
    for (Row r : afterKill) {
      assertFalse(lostExecutors.contains((String) r.getAs("executor_id")),
          "no trial ran on the lost worker's executors " + lostExecutors + " after the kill");
    }
    assertTrue(survivor.process().isAlive());
  }

  @Test
  void trialThatKillsItsExecutorIsRecordedOnceAsCrashed() throws Exception {
    // exit: the JVM dies at the trial's start; cuda: a CUDA error inside the trial makes the
    // executor end itself (its CUDA context is broken), so Spark retries it on a fresh executor
    Path grid = grid("crash", "fixed { method = head }, axes { seed = [1, 2], "
        + "fault = [none, exit, cuda] }");
    String out = dir.resolve("crash").toString();
    SweepTestSupport.CliRun run = start(grid, out).get(SWEEP_LIMIT_SECONDS, TimeUnit.SECONDS);

    assertEquals(SliceLab.EXIT_NOT_ALL_OK, run.exitCode(), run.stderr());
    Map<String, Object> json = run.json();
    assertEquals(List.of(6, 2, 4, 0), List.of(json.get("ran"), json.get("ok"),
        json.get("crashed"), json.get("failed")), json.toString());
    SweepTestSupport.withSpark(spark -> {
      List<Row> rows = ResultTables.trials(spark, out).collectAsList();
      assertEquals(6, rows.size(), "one row per trial: " + attempts(rows));
      assertEquals(6, rows.stream().map(r -> r.getAs("trial_id")).distinct().count());
      for (Row r : rows) {
        String fault = r.getAs("fault");
        boolean exits = !fault.equals("none");
        assertEquals(exits ? "crashed" : "ok", r.getAs("status"), (String) r.getAs("error"));
        if (exits) {
          String error = r.getAs("error");
          long attempts = (long) r.getAs("spark_attempt") + 1;
          assertTrue(attempts >= 2 && attempts <= 4, "bounded by spark.task.maxFailures = 4: "
              + attempts + " attempts; " + error);
          assertTrue(error.contains(attempts + " attempts"), error);
          int code = fault.equals("exit") ? TrialSpec.FAULT_EXIT_CODE : DeviceErrors.EXIT_CODE;
          assertTrue(error.contains("code " + code), "the exit cause: " + error);
          assertEquals(fault.equals("cuda"), error.contains("a CUDA error ended the executor"),
              error);
        }
      }
      return null;
    });
  }

  private CompletableFuture<SweepTestSupport.CliRun> start(Path grid, String out) {
    List<String> args = cluster.sweepArgs(grid, out, List.of("spark.executor.cores=1",
        "spark.executor.memory=1200m"));
    return CompletableFuture.supplyAsync(() -> SweepTestSupport.cli(args.toArray(String[]::new)));
  }

  private static Path grid(String name, String panel) {
    return SweepTestSupport.writeGrid(dir, name + ".conf", "name = " + name + "\n"
        + SweepTestSupport.TINY + "panels { p { " + panel + " } }\n");
  }

  /** Waits until the sweep has committed its first trial (or fails if it ended before). */
  private static void awaitFirstCommit(String out, CompletableFuture<SweepTestSupport.CliRun> sweep)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SWEEP_LIMIT_SECONDS);
    while (!ResultStore.open(out).batches(ResultSchema.TRIALS).iterator().hasNext()) {
      if (sweep.isDone()) {
        fail("the sweep ended before a trial was committed:\n" + sweep.get().stderr());
      }
      if (System.nanoTime() > deadline) {
        fail("no trial committed within " + SWEEP_LIMIT_SECONDS + " s");
      }
      Thread.sleep(100);
    }
  }

  /** An executor JVM of any worker (each runs a trial at any moment of the sweep). */
  private ProcessHandle busyExecutor() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (LocalStandaloneCluster.Worker w : workers) {
        List<ProcessHandle> executors = w.executors();
        if (!executors.isEmpty()) {
          return executors.get(0);
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no worker has an executor");
  }

  /** Asserts one ok row per trial and returns the rows. */
  private static List<Row> okOnceEach(String out, int trials) {
    return SweepTestSupport.withSpark(spark -> {
      List<Row> rows = ResultTables.trials(spark, out).collectAsList();
      assertEquals(trials, rows.size(), "exactly one row per trial: " + attempts(rows));
      assertEquals(trials, rows.stream().map(r -> r.getAs("trial_id")).distinct().count());
      rows.forEach(r -> assertEquals("ok", r.getAs("status"), (String) r.getAs("error")));
      return rows;
    });
  }

  private static String attempts(List<Row> rows) {
    return rows.stream().map(r -> r.getAs("seed") + ":" + r.getAs("status") + "@executor "
        + r.getAs("executor_id") + " attempt " + r.getAs("spark_attempt"))
        .collect(Collectors.joining(", "));
  }
}
