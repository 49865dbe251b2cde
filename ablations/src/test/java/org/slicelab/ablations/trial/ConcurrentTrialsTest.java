package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Spark runs several tasks per executor JVM: two trials training at once on two threads must
 * give exactly what they give one after the other (torch runs one thread per op here, so the
 * results are bit-identical).
 */
class ConcurrentTrialsTest {

  private static TrialSpec tiny(String method, long seed) {
    return TrialSpec.builder().method(method).trainSize(16).valSize(16).testSize(16).maxLen(32)
        .epochs(1).batchSize(8).seed(seed).lr(method.equals("full") ? 1e-4 : 1e-3).build();
  }

  private static List<Object> fingerprint(TrialResult r) {
    assertEquals(TrialStatus.OK, r.status(), r.error());
    return List.of(r.metric("train_loss"), r.metric("val_loss"), r.metric("test_loss"),
        r.metric("val_acc"), r.metric("test_acc"));
  }

  @Test
  void twoTrialsTrainConcurrentlyWithTheSameResultsAsSequentially() throws Exception {
    TrialRunner runner = new TrialRunner();
    TrialSpec a = tiny("full", 1);
    TrialSpec b = tiny("slicefine", 2);
    List<Object> sequentialA = fingerprint(runner.run(a));
    List<Object> sequentialB = fingerprint(runner.run(b));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<TrialResult> fa = pool.submit(() -> runner.run(a));
      Future<TrialResult> fb = pool.submit(() -> runner.run(b));
      assertEquals(sequentialA, fingerprint(fa.get()));
      assertEquals(sequentialB, fingerprint(fb.get()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingTrialBecomesAResultRow() {
    TrialResult thrown = new TrialRunner().run(tiny("head", 1).toBuilder().fault("throw").build());
    assertEquals(TrialStatus.FAILED, thrown.status());
    assertEquals(true, thrown.error().contains("injected fault"));
    TrialResult nan = new TrialRunner().run(tiny("head", 1).toBuilder().fault("nan").build());
    assertEquals(TrialStatus.DIVERGED, nan.status());
  }
}
