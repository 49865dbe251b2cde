package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.results.TrialAttempt;

/**
 * A local sweep's GPUs: one trial per GPU at a time (the pool, under concurrent trials), and a
 * request for more GPUs than the engine sees fails before anything is written (this machine has
 * none, so any count above 0 must fail).
 */
class LocalGpusTest {
  @TempDir
  Path dir;

  @Test
  void concurrentTrialsNeverShareAGpu() throws Exception {
    LocalGpus pool = new LocalGpus(2);
    Set<Integer> inUse = ConcurrentHashMap.newKeySet();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger clashes = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(6);
    List<Future<?>> trials = new ArrayList<>();
    for (int t = 0; t < 24; t++) {
      trials.add(threads.submit(() -> {
        try (LocalGpus.Lease gpu = pool.take()) {
          if (!inUse.add(gpu.index())) {
            clashes.incrementAndGet();
          }
          most.accumulateAndGet(inUse.size(), Math::max);
          Thread.sleep(2);
          inUse.remove(gpu.index());
        }
        return null;
      }));
    }
    for (Future<?> trial : trials) {
      trial.get(30, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertEquals(0, clashes.get(), "two trials held one GPU");
    assertEquals(2, most.get(), "both GPUs were used at once");
    assertEquals(2, pool.available(), "every GPU was given back");
  }

  @Test
  void aLeaseGivesItsGpuBackOnce() throws Exception {
    LocalGpus pool = new LocalGpus(2);
    LocalGpus.Lease gpu = pool.take();
    assertEquals(1, pool.available());
    gpu.close();
    gpu.close();
    assertEquals(2, pool.available(), "closing twice gives the GPU back once");
  }

  @Test
  void aTrialTakesALocalGpuAndGivesItBack() {
    // this machine has no GPU: the trial fails on gpu(0), but it took the pool's GPU and gave it
    // back, and its row names the GPU it was given
    TrialSpec spec = TrialSpec.builder().method("head").trainSize(16).valSize(16).testSize(16)
        .maxLen(16).epochs(1).build();
    TrialAttempt attempt = new TrialTask(0, false, 1, 1).run(
        new TrialInput(0, spec.trialId(), spec.toJson()), null);
    assertEquals("failed", attempt.status(), attempt.error());
    assertEquals("0", attempt.gpuAddress());
    assertEquals("gpu(0)", attempt.device());
    assertEquals(1, LocalGpus.shared(1).available(), "the GPU was given back");
  }

  @Test
  void onlyALocalMasterHandsOutGpus() {
    assertEquals(0, LocalGpus.resolve(4, "spark://host:7077"), "a cluster uses its addresses");
    assertEquals(0, LocalGpus.resolve(4, "local-cluster[1,1,1024]"));
    assertEquals(0, LocalGpus.resolve(0, "local[*]"), "0 keeps a local sweep on the CPU");
    assertEquals(Engine.getEngine("PyTorch").getGpuCount(),
        LocalGpus.resolve(LocalGpus.AUTO, "local[2]"));
  }

  @Test
  void moreGpusThanTheEngineSeesFailBeforeAnyWork() {
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    String asked = String.valueOf(visible + 1);
    Path grid = SweepTestSupport.writeGrid(dir, "g.conf", "name = g\n" + SweepTestSupport.TINY
        + "panels { p { fixed { method = head } } }\n");
    Path out = dir.resolve("out");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
        "--out", out.toString(), "--master", "local[1]", "--local-gpus", asked);
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    String error = String.valueOf(run.json().get("error"));
    assertTrue(error.contains("'--local-gpus' = " + asked) && error.contains("sees " + visible
        + " GPU(s)"), error);
    assertFalse(Files.exists(out.resolve("trials")) || Files.exists(out.resolve("panels")),
        "nothing was written");

    run = SweepTestSupport.cli("sweep", "--grid", grid.toString(), "--out", out.toString(),
        "--local-gpus", "two");
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("'--local-gpus' = two is "
        + "invalid: must be auto, 0"), run.stdout());
  }
}
