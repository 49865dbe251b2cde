package org.slicelab.spark.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.sweep.SweepTestSupport;

/** A trial that finishes twice in one sweep (retry, speculation) is committed once. */
class AttemptCommitterTest {
  @TempDir
  Path dir;

  private static final RunInfo RUN = new RunInfo("s1", "g", "g.conf", "abc", false, "local[1]",
      "app-1");

  @Test
  void secondAttemptOfATrialIsNotWrittenWithinABatchOrAcrossBatches() {
    ResultStore store = ResultStore.open(dir.resolve("out").toString());
    store.prepare();
    AttemptCommitter committer = new AttemptCommitter(store, RUN, id -> List.of("p"));
    TrialSpec a = TrialSpec.builder().method("head").seed(1).build();
    TrialSpec b = TrialSpec.builder().method("head").seed(2).build();
    long t0 = System.currentTimeMillis() - 60_000;
    TrialAttempt first = ResultStoreTest.attempt(a, "ok", t0);
    TrialAttempt speculative = ResultStoreTest.attempt(a, "ok", t0 + 1000);
    TrialAttempt other = ResultStoreTest.attempt(b, "failed", t0);
    TrialAttempt retried = ResultStoreTest.attempt(b, "ok", t0 + 2000);

    AttemptCommitter.Outcome one = committer.commit(List.of(first, other, speculative));
    assertEquals(List.of(first, other), one.committed());
    assertEquals(List.of(speculative), one.duplicates());
    AttemptCommitter.Outcome two = committer.commit(List.of(retried));
    assertEquals(List.of(), two.committed());
    assertEquals(List.of(retried), two.duplicates());
    assertNull(two.batch(), "nothing new: no empty batch is written");
    assertTrue(committer.isCommitted(a.trialId()) && committer.isCommitted(b.trialId()));

    assertEquals(Map.of(a.trialId(), List.of("ok"), b.trialId(), List.of("failed")),
        store.statusesByTrial(), "one row per trial, the first attempt's");
    String out = store.location();
    SweepTestSupport.withSpark(spark -> {
      List<Row> curves = ResultTables.curves(spark, out).collectAsList();
      assertEquals(Map.of(first.attemptId(), 2L, other.attemptId(), 2L), curves.stream()
          .collect(Collectors.groupingBy(r -> (String) r.getAs("attempt_id"),
              Collectors.counting())), "the duplicates' curves are not written either");
      return null;
    });

    AttemptCommitter nextRun = new AttemptCommitter(store, RUN, id -> List.of("p"));
    assertEquals(List.of(retried), nextRun.commit(List.of(retried)).committed(),
        "a later invocation (--retry-failed) records its own attempt");
    assertEquals(List.of("failed", "ok"), store.statusesByTrial().get(b.trialId()));
  }
}
