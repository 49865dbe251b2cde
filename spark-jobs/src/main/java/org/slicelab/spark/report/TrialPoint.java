package org.slicelab.spark.report;

import java.util.Map;

/**
 * One {@code ok} trial of a Figure 2 panel, as the report uses it: its spec values and the metrics
 * it is judged on.
 *
 * @param table the report table it belongs to ({@link Figure2Panels#RANK}, ...)
 * @param panel the grid panel it was recorded under
 * @param trialId trial id
 * @param seed trial seed
 * @param spec canonical spec values (snake_case keys)
 * @param testAcc test accuracy in [0, 1]
 * @param valAcc validation accuracy in [0, 1], {@code NaN} when missing
 * @param trainableParams trainable parameters, -1 when missing
 * @param trainSeconds training time, {@code NaN} when missing
 * @param dataSeed the seed that drew the validation and test subsamples
 * @param testFingerprint SHA-256 of the ordered test example ids ("" for results recorded before
 *     SliceLab stored it)
 * @param outcomes per-example test outcomes, null when no predictions were recorded
 * @param device the DJL device it ran on, e.g. {@code cpu()} or {@code gpu(1)} ("" when unknown)
 */
public record TrialPoint(String table, String panel, String trialId, long seed,
    Map<String, Object> spec, double testAcc, double valAcc, long trainableParams,
    double trainSeconds, long dataSeed, String testFingerprint, ExampleOutcomes outcomes,
    String device) {

  /** A trial whose device is unknown. */
  public TrialPoint(String table, String panel, String trialId, long seed,
      Map<String, Object> spec, double testAcc, double valAcc, long trainableParams,
      double trainSeconds, long dataSeed, String testFingerprint, ExampleOutcomes outcomes) {
    this(table, panel, trialId, seed, spec, testAcc, valAcc, trainableParams, trainSeconds,
        dataSeed, testFingerprint, outcomes, "");
  }

  /** A trial without fingerprint or predictions (data seed from the spec). */
  public TrialPoint(String table, String panel, String trialId, long seed,
      Map<String, Object> spec, double testAcc, double valAcc, long trainableParams,
      double trainSeconds) {
    this(table, panel, trialId, seed, spec, testAcc, valAcc, trainableParams, trainSeconds,
        spec.get("data_seed") instanceof Number n ? n.longValue() : 0, "", null);
  }

  /** The device's kind, {@code cpu} or {@code gpu} ("" when unknown). */
  public String deviceKind() {
    int paren = device.indexOf('(');
    return paren < 0 ? device : device.substring(0, paren);
  }

  /** Whether the run collapsed to one predicted class (known only with predictions). */
  public boolean collapsed() {
    return outcomes != null && outcomes.collapsed();
  }

  /** Spec value as a string ("" when absent). */
  public String field(String name) {
    Object v = spec.get(name);
    return v == null ? "" : String.valueOf(v);
  }
}
