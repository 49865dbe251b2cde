package org.slicelab.spark.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.train.CurvePoint;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.results.ResultStore;
import org.slicelab.spark.results.RunInfo;
import org.slicelab.spark.results.TrialAttempt;
import org.slicelab.spark.results.TrialRows;

/** Writes hand-made result tables (no training) in the sweep's format, for report tests. */
public final class CraftedResults {
  private final ResultStore store;
  private final RunInfo run;
  private final List<Map<String, Object>> panels = new ArrayList<>();
  private long clock = System.currentTimeMillis() - 3_600_000;

  public CraftedResults(Path dir, String grid) {
    this.store = ResultStore.open(dir.toString());
    store.prepare();
    this.run = new RunInfo("s-test", grid, grid + ".conf", "unknown", null, "local[1]", "app");
  }

  /** A spec from key/value pairs (tiny data sizes; values as in grid files). */
  public static TrialSpec spec(Object... kv) {
    TrialSpec.Builder b = TrialSpec.builder().trainSize(16).valSize(16).testSize(32).maxLen(32);
    for (int i = 0; i < kv.length; i += 2) {
      b.set((String) kv[i], kv[i + 1]);
    }
    return b.build();
  }

  /** Records that {@code spec} belongs to {@code panel} (the sweep does this before running). */
  CraftedResults member(String panel, TrialSpec spec) {
    panels.add(TrialRows.panel(run, panel, spec.trialId()));
    return this;
  }

  /** Records an ok attempt with the given accuracies, and the panel membership. */
  public CraftedResults ok(String panel, TrialSpec spec, double test, double val) {
    member(panel, spec);
    return attempt(panel, spec, "ok", null, test, val);
  }

  /** Records one attempt (status ok, failed, diverged or timeout). */
  CraftedResults attempt(String panel, TrialSpec spec, String status, String error, double test,
      double val) {
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (status.equals("ok")) {
      metrics.put("test_acc", test);
      metrics.put("val_acc", val);
      metrics.put("trainable_params", 1000L + (Integer) spec.get("rank"));
      metrics.put("train_seconds", 2.0);
      metrics.put("trial_seconds", 3.0);
    }
    long started = clock;
    clock += 10_000;
    TrialAttempt a = new TrialAttempt(TrialAttempt.newAttemptId(), spec.trialId(), spec.toJson(),
        status, error, metrics, List.of(new CurvePoint(1, 0, "train", "loss", 0.5)),
        Map.of("host", "h"), "cpu()", null, false, "driver", started, started + 3000, 1, 0);
    store.append(new ArrayList<>(List.of(TrialRows.trial(a, run, List.of(panel)))),
        new ArrayList<>(TrialRows.curves(a)));
    return this;
  }

  /** Commits the panel memberships recorded so far. */
  public void commitPanels() {
    store.appendPanels(new ArrayList<>(panels));
    panels.clear();
  }
}
