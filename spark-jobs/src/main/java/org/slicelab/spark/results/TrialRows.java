package org.slicelab.spark.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.train.CurvePoint;
import org.slicelab.ablations.trial.SplitPredictions;
import org.slicelab.ablations.trial.TrialSpec;

/** Turns {@link TrialAttempt}s into rows of the {@code trials} and {@code curves} tables. */
public final class TrialRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrialRows() {
  }

  /** The {@code trials} row of one attempt ({@code committed_at} is set by the store). */
  public static Map<String, Object> trial(TrialAttempt a, RunInfo run, List<String> panels) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(ResultSchema.ATTEMPT_ID, a.attemptId());
    row.put(ResultSchema.TRIAL_ID, a.trialId());
    row.put(ResultSchema.SWEEP_ID, run.sweepId());
    row.put(ResultSchema.GRID, run.grid());
    row.put(ResultSchema.GRID_FILE, run.gridFile());
    row.put(ResultSchema.PANELS_COLUMN, panels);
    row.put(ResultSchema.STATUS, a.status());
    row.put(ResultSchema.ERROR, a.error());
    TrialSpec.fromJson(a.specJson()).toMap().forEach(row::put);
    for (String m : ResultSchema.LONG_METRICS) {
      if (a.metrics().get(m) instanceof Number n) {
        row.put(m, n.longValue());
      }
    }
    for (String m : ResultSchema.DOUBLE_METRICS) {
      if (a.metrics().get(m) instanceof Number n) {
        row.put(m, n.doubleValue());
      }
    }
    row.put(ResultSchema.METRICS_JSON, json(a.metrics()));
    row.put(ResultSchema.STARTED_AT, Instant.ofEpochMilli(a.startedMillis()));
    row.put(ResultSchema.FINISHED_AT, Instant.ofEpochMilli(a.finishedMillis()));
    row.put(ResultSchema.ATTEMPT_SECONDS, a.seconds());
    row.put(ResultSchema.DEVICE, a.device());
    row.put(ResultSchema.GPU_ADDRESS, a.gpuAddress());
    row.put(ResultSchema.CPU_FALLBACK, a.cpuFallback());
    row.put(ResultSchema.EXECUTOR_ID, a.executorId());
    row.put(ResultSchema.HOST, a.provenance().get("host"));
    row.put(ResultSchema.TORCH_THREADS, a.torchThreads() > 0 ? (long) a.torchThreads() : null);
    row.put(ResultSchema.SPARK_ATTEMPT, a.sparkAttempt() >= 0 ? (long) a.sparkAttempt() : null);
    row.put(ResultSchema.SPARK_APP_ID, run.sparkAppId());
    row.put(ResultSchema.SPARK_MASTER, run.sparkMaster());
    row.put(ResultSchema.SPEC_JSON, a.specJson());
    row.put(ResultSchema.GIT_COMMIT, run.gitCommit());
    row.put(ResultSchema.GIT_DIRTY, run.gitDirty());
    for (String p : ResultSchema.PROVENANCE) {
      row.put(p, a.provenance().get(p));
    }
    return row;
  }

  /** The {@code curves} rows of one attempt. */
  public static List<Map<String, Object>> curves(TrialAttempt a) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (CurvePoint p : a.curves()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put(ResultSchema.ATTEMPT_ID, a.attemptId());
      row.put(ResultSchema.TRIAL_ID, a.trialId());
      row.put(ResultSchema.STEP, (long) p.step());
      row.put(ResultSchema.EPOCH, (long) p.epoch());
      row.put(ResultSchema.SPLIT, p.split());
      row.put(ResultSchema.METRIC, p.metric());
      row.put(ResultSchema.VALUE, p.value());
      rows.add(row);
    }
    return rows;
  }

  /** The {@code predictions} rows of one attempt (one per split and example). */
  public static List<Map<String, Object>> predictions(TrialAttempt a) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (SplitPredictions p : a.predictions()) {
      for (int i = 0; i < p.size(); i++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(ResultSchema.ATTEMPT_ID, a.attemptId());
        row.put(ResultSchema.TRIAL_ID, a.trialId());
        row.put(ResultSchema.SPLIT, p.split());
        row.put(ResultSchema.EXAMPLE_INDEX, (long) i);
        row.put(ResultSchema.EXAMPLE_ID, p.exampleIds().get(i));
        row.put(ResultSchema.LABEL, (long) p.labels()[i]);
        row.put(ResultSchema.PREDICTED, (long) p.predicted()[i]);
        row.put(ResultSchema.MARGIN, (double) p.margins()[i]);
        rows.add(row);
      }
    }
    return rows;
  }

  /** One {@code panels} row. */
  public static Map<String, Object> panel(RunInfo run, String panel, String trialId) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(ResultSchema.GRID, run.grid());
    row.put(ResultSchema.PANEL, panel);
    row.put(ResultSchema.TRIAL_ID, trialId);
    row.put(ResultSchema.GRID_FILE, run.gridFile());
    row.put(ResultSchema.SWEEP_ID, run.sweepId());
    row.put(ResultSchema.RECORDED_AT, Instant.now());
    return row;
  }

  private static String json(Map<String, Object> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
