package org.slicelab.spark.results;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slicelab.ablations.trial.SplitPredictions;
import org.slicelab.ablations.train.CurvePoint;
import org.slicelab.ablations.trial.TrialStatus;

/**
 * What one attempt at a trial produced, as sent from the executor back to the driver: the
 * trial's outcome plus where and how it ran. Serializable (Java serialization) and small.
 *
 * @param attemptId unique id of this attempt (UUID)
 * @param trialId the trial id
 * @param specJson canonical spec JSON
 * @param status {@link TrialStatus#label()}: ok, failed, diverged, timeout or crashed
 * @param error error text, null when ok
 * @param metrics metrics by snake_case name
 * @param curves per-step values
 * @param provenance versions, OS/arch, host and checksums recorded on the executor
 * @param device DJL device name, e.g. {@code cpu()}, or null when the trial never started
 * @param gpuAddress GPU address(es) Spark assigned to the task, or null
 * @param cpuFallback whether a GPU was assigned but the trial ran on CPU
 * @param executorId Spark executor id, or null when unknown (task lost)
 * @param startedMillis epoch millis when the attempt started
 * @param finishedMillis epoch millis when it ended
 * @param torchThreads torch intra-op threads used, 0 when unknown
 * @param sparkAttempt Spark task attempt number, -1 when unknown
 * @param predictions per-example predictions of the evaluation splits (empty unless ok)
 */
public record TrialAttempt(String attemptId, String trialId, String specJson, String status,
    String error, Map<String, Object> metrics, List<CurvePoint> curves,
    Map<String, String> provenance, String device, String gpuAddress, boolean cpuFallback,
    String executorId, long startedMillis, long finishedMillis, int torchThreads,
    int sparkAttempt, List<SplitPredictions> predictions) implements Serializable {

  /** Copies the collections into serializable, ordered ones. */
  public TrialAttempt {
    predictions = new ArrayList<>(predictions);
    metrics = new LinkedHashMap<>(metrics);
    curves = new ArrayList<>(curves);
    provenance = new LinkedHashMap<>(provenance);
  }

  /** An attempt without per-example predictions. */
  public TrialAttempt(String attemptId, String trialId, String specJson, String status,
      String error, Map<String, Object> metrics, List<CurvePoint> curves,
      Map<String, String> provenance, String device, String gpuAddress, boolean cpuFallback,
      String executorId, long startedMillis, long finishedMillis, int torchThreads,
      int sparkAttempt) {
    this(attemptId, trialId, specJson, status, error, metrics, curves, provenance, device,
        gpuAddress, cpuFallback, executorId, startedMillis, finishedMillis, torchThreads,
        sparkAttempt, List.of());
  }

  /** A fresh attempt id. */
  public static String newAttemptId() {
    return UUID.randomUUID().toString();
  }

  /**
   * An attempt recorded by the driver because the trial's Spark task itself failed (its
   * executor died, or the task failed outside the trial): no executor-side result exists.
   *
   * @param status {@link TrialStatus#CRASHED} for a lost executor, else {@link TrialStatus#FAILED}
   * @param error what Spark reported
   * @param host host of the last attempt, or null
   * @param executorId executor of the last attempt, or null
   * @param sparkAttempt the last attempt's number, -1 when unknown
   */
  public static TrialAttempt recordedByDriver(String trialId, String specJson, TrialStatus status,
      String error, String host, String executorId, int sparkAttempt, long startedMillis) {
    Map<String, String> provenance = new LinkedHashMap<>();
    if (host != null) {
      provenance.put("host", host);
    }
    return new TrialAttempt(newAttemptId(), trialId, specJson, status.label(), error, Map.of(),
        List.of(), provenance, null, null, false, executorId, startedMillis,
        System.currentTimeMillis(), 0, sparkAttempt);
  }

  /** Whether the status is ok. */
  public boolean ok() {
    return TrialStatus.OK.label().equals(status);
  }

  /** Numeric metric or NaN. */
  public double metric(String name) {
    Object v = metrics.get(name);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** Wall time of the attempt in seconds. */
  public double seconds() {
    return (finishedMillis - startedMillis) / 1000.0;
  }
}
