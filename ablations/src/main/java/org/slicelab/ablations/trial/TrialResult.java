package org.slicelab.ablations.trial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.train.CurvePoint;

/**
 * The outcome of one trial: status, metrics (snake_case keys), per-step curves and provenance.
 * A failed trial is a result too, with the error text; nothing is silently dropped.
 */
public final class TrialResult implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrialSpec spec;
  private final TrialStatus status;
  private final String error;
  private final Map<String, Object> metrics;
  private final List<CurvePoint> curves;
  private final Map<String, String> provenance;
  private final List<SplitPredictions> predictions;

  /** A result without per-example predictions; maps are copied in order. */
  public TrialResult(TrialSpec spec, TrialStatus status, String error, Map<String, Object> metrics,
      List<CurvePoint> curves, Map<String, String> provenance) {
    this(spec, status, error, metrics, curves, provenance, List.of());
  }

  /** A result with the per-example predictions of its evaluation splits. */
  public TrialResult(TrialSpec spec, TrialStatus status, String error, Map<String, Object> metrics,
      List<CurvePoint> curves, Map<String, String> provenance,
      List<SplitPredictions> predictions) {
    this.predictions = List.copyOf(predictions);
    this.spec = spec;
    this.status = status;
    this.error = error;
    this.metrics = new LinkedHashMap<>(metrics);
    this.curves = List.copyOf(curves);
    this.provenance = new LinkedHashMap<>(provenance);
  }

  /** A result for a trial that threw; the error keeps the exception's class, message and cause. */
  public static TrialResult failure(TrialSpec spec, TrialStatus status, Throwable error,
      Map<String, Object> metrics, Map<String, String> provenance) {
    return new TrialResult(spec, status, describe(error), metrics, List.of(), provenance);
  }

  /**
   * One line per cause, then a short stack trace: enough to act on from a table. The causes of
   * a wrapped error come first ({@code cause: ...}), so a long trace cut at 4000 characters never
   * hides the root cause (a CUDA error deep in a chain still reads as one: {@link DeviceErrors}).
   */
  public static String describe(Throwable error) {
    StringBuilder causes = new StringBuilder();
    Throwable cause = error.getCause();
    for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
      causes.append("cause: ").append(cause).append('\n');
    }
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    String text = causes + trace.toString();
    return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
  }

  public TrialSpec spec() { return spec; }
  public String trialId() { return spec.trialId(); }
  public TrialStatus status() { return status; }
  /** Error text, or null when OK. */
  public String error() { return error; }
  public Map<String, Object> metrics() { return metrics; }
  public List<CurvePoint> curves() { return curves; }
  public Map<String, String> provenance() { return provenance; }
  /** Per-example predictions of validation and test (empty when the trial did not finish). */
  public List<SplitPredictions> predictions() { return predictions; }

  /** Numeric metric, or NaN when absent. */
  public double metric(String name) {
    Object v = metrics.get(name);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** The one-line JSON summary printed by the {@code trial} command. */
  public String toSummaryJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trial_id", trialId());
    out.put("status", status.label());
    out.put("method", spec.method());
    for (String option : List.of("selector", "rank", "mode", "position", "sift_rate")) {
      out.put(option, spec.get(option));
    }
    out.putAll(metrics);
    out.put("device", provenance.get("device"));
    if (error != null) {
      out.put("error", error.lines().findFirst().orElse(error));
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
