package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.grid.GridLoader;
import org.slicelab.spark.grid.PlannedTrial;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultStore;
import org.slicelab.spark.results.RunLock;

/**
 * Kill a sweep's driver JVM after its first trial is committed, rerun: the killed driver's lock
 * is taken over, every trial ends with exactly one ok row, nothing committed before the kill is
 * lost; a third run runs nothing.
 */
class ResumeTest {
  @TempDir
  Path dir;

  private Process driver;

  @AfterEach
  void killDriver() throws InterruptedException {
    SweepTestSupport.kill(driver);
  }

  @Test
  void killedDriverResumesWithoutLossOrDuplicates() throws Exception {
    Path grid = SweepTestSupport.writeGrid(dir, "resume.conf", "name = resume\n"
        + SweepTestSupport.TINY
        + "panels { seeds { fixed { method = head }, axes { seeds = [1, 2, 3, 4, 5, 6] } } }\n");
    String out = dir.resolve("out").toString();
    List<String> ids = GridLoader.load(grid).trials().stream().map(PlannedTrial::trialId)
        .toList();
    assertEquals(6, ids.size());

    Path log = dir.resolve("driver.log");
    driver = SweepTestSupport.startSweepDriver(grid, out, log);

    ResultStore store = ResultStore.open(out);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (store.batches(ResultSchema.TRIALS).isEmpty()) {
      if (!driver.isAlive()) {
        fail("the driver exited (" + driver.exitValue() + ") before committing a trial:\n"
            + SweepTestSupport.tail(log, 40));
      }
      if (System.nanoTime() > deadline) {
        fail("no trial committed within 240 s:\n" + SweepTestSupport.tail(log, 40));
      }
      Thread.sleep(100);
    }
    driver.destroyForcibly(); // SIGKILL: no shutdown hooks, trials in flight are lost
    assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    List<String> batchesBeforeKill = store.batches(ResultSchema.TRIALS);
    Map<String, List<String>> beforeRerun = store.statusesByTrial();
    int committed = beforeRerun.size();
    assertTrue(committed >= 1 && committed < 6, "killed part-way: " + committed
        + " committed\n" + SweepTestSupport.tail(log, 20));
    beforeRerun.values().forEach(s -> assertEquals(List.of("ok"), s));

    SweepTestSupport.CliRun rerun = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out, "--master", "local[2]");
    assertEquals(0, rerun.exitCode(), rerun.stderr());
    assertTrue(rerun.stderr().contains("[lock] taking over") && rerun.stderr().contains("pid "
        + driver.pid()) && rerun.stderr().contains("no longer running"),
        "the killed driver's lock is stale and taken over: " + rerun.stderr());
    Map<String, Object> s = rerun.json();
    assertEquals(6, s.get("total"));
    assertEquals(committed, s.get("skipped"));
    assertEquals(6 - committed, s.get("ran"));
    assertEquals(6 - committed, s.get("ok"), rerun.stderr());

    Map<String, List<String>> after = store.statusesByTrial();
    assertEquals(new java.util.TreeSet<>(ids), new java.util.TreeSet<>(after.keySet()));
    after.forEach((id, statuses) -> assertEquals(List.of("ok"), statuses,
        "exactly one ok row for " + id));
    assertTrue(store.batches(ResultSchema.TRIALS).containsAll(batchesBeforeKill),
        "batches committed before the kill are kept");

    SweepTestSupport.CliRun third = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out, "--master", "local[2]");
    assertEquals(0, third.exitCode(), third.stderr());
    assertEquals(0, third.json().get("ran"));
    assertEquals(6, third.json().get("skipped"));
    assertFalse(third.stderr().contains(" on local[2] (app "), "no Spark when nothing runs");
    assertEquals(after, store.statusesByTrial());
    assertFalse(java.nio.file.Files.exists(dir.resolve("out").resolve(RunLock.FILE)),
        "released at the end");
  }
}
