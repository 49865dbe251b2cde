package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.spark.results.TrialAttempt;

/** The sweep's final JSON line: its keys in order, the tally behind them and all_ok. */
class SweepSummaryTest {
  private static TrialAttempt attempt(String status, Object trialSeconds) {
    Map<String, Object> metrics = trialSeconds == null ? Map.of()
        : Map.of("trial_seconds", trialSeconds);
    return new TrialAttempt("a", "t", "{}", status, null, metrics, List.of(), Map.of(), "cpu()",
        null, false, "1", 0, 1, 1, 0);
  }

  @Test
  void theJsonLineKeepsItsKeysAndOrder() {
    TrialCounts.Tally tally = new TrialCounts.Tally(5, 1);
    for (String status : List.of("ok", "ok", "failed", "diverged", "timeout", "crashed")) {
      tally.add(attempt(status, 1.25));
    }
    tally.add(attempt("ok", null));
    tally.notRecorded();
    SweepSummary summary = new SweepSummary(14, tally.counts(), 12.34567, "file:/out", "g",
        tally.trialSeconds(), "s1");
    Map<String, Object> m = summary.toMap();
    assertEquals(List.of("total", "skipped", "skipped_not_ok", "ran", "ok", "failed", "diverged",
        "timeout", "crashed", "not_recorded", "all_ok", "seconds", "out", "grid", "trial_seconds",
        "sweep_id"), new ArrayList<>(m.keySet()));
    assertEquals(List.of(14, 5, 1, 7, 3, 1, 1, 1, 1, 1, false, 12.346, "file:/out", "g", 7.5,
        "s1"), new ArrayList<>(m.values()));
  }

  @Test
  void allOkNeedsEveryTrialOkNowOrBefore() {
    TrialCounts.Tally tally = new TrialCounts.Tally(2, 0);
    tally.add(attempt("ok", 1.0));
    assertTrue(tally.counts().allOk());
    assertFalse(new TrialCounts.Tally(2, 1).counts().allOk(), "a skipped trial is not ok");
    tally.notRecorded();
    assertFalse(tally.counts().allOk(), "a trial was not recorded");
    TrialCounts.Tally failed = new TrialCounts.Tally(0, 0);
    failed.add(attempt("failed", 1.0));
    assertFalse(new SweepSummary(1, failed.counts(), 0, "o", "g", 0, null).allOk());
  }
}
