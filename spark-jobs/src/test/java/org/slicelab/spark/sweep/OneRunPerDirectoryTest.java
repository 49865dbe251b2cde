package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.Provenance;
import org.slicelab.spark.backbone.LocalTestFileSystem;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.results.ResultStore;
import org.slicelab.spark.results.RunLock;
import org.slicelab.spark.results.RunOwner;

/**
 * A results directory is owned by one run at a time: a second {@code sweep}, {@code figure2} or
 * {@code --until-conclusive} into it is refused before any work (exit status 2, naming the
 * running one), and the first run's trials each end with one ok row.
 */
class OneRunPerDirectoryTest {
  @TempDir
  Path dir;

  private Process driver;

  @AfterEach
  void killDriver() throws InterruptedException {
    SweepTestSupport.kill(driver);
  }

  private Path grid() {
    return SweepTestSupport.writeGrid(dir, "two.conf", "name = two\n" + SweepTestSupport.TINY
        + "panels { seeds { fixed { method = head }, axes { seeds = [1, 2] } } }\n");
  }

  @Test
  void aSecondSweepIsRefusedWhileTheFirstRunsAndNamesIt() throws Exception {
    Path grid = grid();
    String out = dir.resolve("out").toString();
    Path log = dir.resolve("first.log");
    driver = SweepTestSupport.startSweepDriver(grid, out, log);
    Path lock = dir.resolve("out").resolve(RunLock.FILE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(lock) || RunOwner.parse(Files.readAllBytes(lock)) == null) {
      if (!driver.isAlive()) {
        fail("the first sweep exited (" + driver.exitValue() + ") before taking the directory:\n"
            + SweepTestSupport.tail(log, 40));
      }
      if (System.nanoTime() > deadline) {
        fail("no lock file within 120 s:\n" + SweepTestSupport.tail(log, 40));
      }
      Thread.sleep(50);
    }

    SweepTestSupport.CliRun second = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out, "--master", "local[1]");
    assertEquals(SliceLab.EXIT_BAD_INPUT, second.exitCode(), second.stderr());
    Map<String, Object> json = second.json();
    assertEquals("error", json.get("status"));
    String error = (String) json.get("error");
    for (String part : new String[] {"in use by another run", "pid " + driver.pid(),
        "host " + Provenance.host(), "started 20", "slicelab sweep --grid " + grid}) {
      assertTrue(error.contains(part), part + " in: " + error);
    }
    assertFalse(second.stderr().contains("[sweep] grid"), "refused before any work");

    assertTrue(driver.waitFor(300, TimeUnit.SECONDS), SweepTestSupport.tail(log, 40));
    assertEquals(0, driver.exitValue(), SweepTestSupport.tail(log, 40));
    Map<String, List<String>> statuses = ResultStore.open(out).statusesByTrial();
    assertEquals(2, statuses.size());
    statuses.forEach((id, s) -> assertEquals(List.of("ok"), s, "one ok row for " + id));
    assertFalse(Files.exists(lock), "the first sweep released the directory at its end");
  }

  @Test
  void figure2AndUntilConclusiveAreRefusedTooAndAFailedRunReleases() {
    Path grid = grid();
    String out = dir.resolve("out").toString();
    Path lock = dir.resolve("out").resolve(RunLock.FILE);
    try (RunLock held = RunLock.acquire(out, "slicelab sweep --grid held.conf", false,
        System.err)) {
      for (String[] args : List.of(
          new String[] {"figure2", "--grid", grid.toString(), "--out", out},
          new String[] {"figure2", "--grid", grid.toString(), "--out", out,
              "--until-conclusive"},
          new String[] {"sweep", "--grid", grid.toString(), "--out", out,
              "--until-conclusive"})) {
        SweepTestSupport.CliRun refused = SweepTestSupport.cli(args);
        assertEquals(SliceLab.EXIT_BAD_INPUT, refused.exitCode(), refused.stderr());
        String error = (String) refused.json().get("error");
        assertTrue(error.contains("slicelab sweep --grid held.conf")
            && error.contains("pid " + ProcessHandle.current().pid()), error);
      }
      SweepTestSupport.CliRun dryRun = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
          "--out", out, "--dry-run");
      assertEquals(SliceLab.EXIT_OK, dryRun.exitCode(), "a dry run only reads: "
          + dryRun.stderr());
      assertTrue(Files.exists(lock), "refused runs leave the holder's lock alone");
      SweepTestSupport.CliRun report = SweepTestSupport.cli("report", "--results", out,
          "--master", "local[1]");
      assertTrue(report.stderr().contains("[report] " + out + " is being written by pid "
          + ProcessHandle.current().pid()), "report reads, and says a run is writing: "
          + report.stderr());
    }
    // fails after taking the directory (the sequential design must be local), through a Hadoop
    // file system that is not file:
    SweepTestSupport.CliRun failed = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", LocalTestFileSystem.SCHEME + "://" + dir.resolve("out"), "--until-conclusive");
    assertEquals(SliceLab.EXIT_BAD_INPUT, failed.exitCode(), failed.stderr());
    assertTrue(((String) failed.json().get("error")).contains("must be a local directory"),
        failed.stdout());
    assertFalse(Files.exists(lock), "a run that fails after taking the directory releases it");
  }
}
