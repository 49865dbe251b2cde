package org.slicelab.ablations.bench;

import static org.slicelab.ablations.bench.MethodRows.number;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slicelab.ablations.bench.BenchRunner.Result;
import org.slicelab.ablations.bench.BenchRunner.Variant;

/**
 * What the method rows say: the named ratios of median step times, the targets (value,
 * threshold, met) and warnings that the numbers are not trustworthy.
 */
final class BenchFindings {
  private final BenchMeasurements m;
  private final Result r;
  private final MethodRows rows;

  BenchFindings(BenchMeasurements measurements, MethodRows rows) {
    this.m = measurements;
    this.r = measurements.result();
    this.rows = rows;
  }

  /** Ratios of median step times at the primary thread count (and thread comparisons). */
  Map<String, Double> ratios() {
    Map<String, Double> out = new LinkedHashMap<>();
    putRatio(out, "slicefine_r5_vs_full", "slicefine_r5_row", "ratio_vs_full");
    putRatio(out, "slicefine_r5_vs_lora", "slicefine_r5_row", "ratio_vs_lora");
    putRatio(out, "sift_1pct_vs_full", "sift_1pct", "ratio_vs_full");
    for (BenchMethod method : r.options().methods()) {
      if (!method.label().equals("full")) {
        putRatio(out, method.label() + "_vs_full", method.label(), "ratio_vs_full");
      }
      if (!method.spec().method().equals("lora") && !method.label().equals("full")) {
        putRatio(out, method.label() + "_vs_lora", method.label(), "ratio_vs_lora");
      }
    }
    for (Variant v : r.variants()) {
      Double peer = rows.value(v.label(), "paired_ratio_vs_peer_median");
      if (peer != null) {
        out.put(v.label() + "_vs_peer", peer);
      }
    }
    String slice = m.primaryLabel("slicefine_r5_row");
    if (slice != null && rows.value(slice, "paired_ratio_vs_peer_lora_median") != null) {
      out.put("slicefine_r5_vs_peer_lora", rows.value(slice, "paired_ratio_vs_peer_lora_median"));
    }
    int primaryThreads = m.primaryThreads();
    List<Integer> threads = r.variants().stream().map(Variant::threads).distinct().toList();
    for (int t : threads.subList(1, threads.size())) {
      for (BenchMethod method : r.options().methods()) {
        Variant a = m.find(method.label(), t);
        Variant b = m.find(method.label(), primaryThreads);
        out.put(method.label() + "_t" + t + "_vs_t" + primaryThreads,
            Stats.of(m.stepMs(a)).median() / Stats.of(m.stepMs(b)).median());
      }
    }
    return out;
  }

  private void putRatio(Map<String, Double> out, String key, String method, String column) {
    String label = m.primaryLabel(method);
    if (label != null && !out.containsKey(key)) {
      Double v = rows.value(label, column);
      if (v != null) {
        out.put(key, v);
      }
    }
  }

  /** The best achieved fraction of the matmul rate at the primary thread count. */
  double bestMatmulFraction() {
    return rows.rows().stream().filter(row -> (int) row.get("torch_threads") == m.primaryThreads())
        .mapToDouble(row -> (Double) row.get("matmul_fraction")).max().orElse(Double.NaN);
  }

  /** The targets: measured value, threshold, met. */
  Map<String, Map<String, Object>> targets() {
    Map<String, Map<String, Object>> t = new LinkedHashMap<>();
    Map<String, Double> ratios = ratios();
    target(t, "slicefine_r5_step_vs_full", ratios.get("slicefine_r5_vs_full"), 0.75, true);
    target(t, "slicefine_r5_step_vs_lora_r8", ratios.get("slicefine_r5_vs_lora"), 1.0, true);
    String s = m.primaryLabel("slicefine_r5_row");
    Variant lora = m.lora(m.primaryThreads());
    Double state = s == null || lora == null ? null
        : rows.value(s, "optimizer_state_bytes")
            / rows.value(lora.label(), "optimizer_state_bytes");
    target(t, "slicefine_r5_optimizer_state_vs_lora_r8", state, 0.5, true);
    String full = m.primaryLabel("full");
    target(t, "full_step_matmul_fraction", full == null ? null
        : rows.value(full, "matmul_fraction"), 0.40, false);
    target(t, "best_step_matmul_fraction", bestMatmulFraction(), 0.40, false);
    target(t, "slicefine_r5_time_vs_flop_floor", s == null ? null
        : rows.value(s, "time_vs_floor"), 1.15, true);
    target(t, "slicefine_r5_time_vs_gemm_floor", s == null ? null
        : rows.value(s, "time_vs_gemm_floor"), 1.15, true);
    if (!r.peerSamples().isEmpty()) {
      for (Variant v : r.variants()) {
        Double peer = rows.value(v.label(), "paired_ratio_vs_peer_median");
        if (peer != null) {
          target(t, v.label() + "_step_vs_peer", peer, 1.0, true);
        }
      }
      target(t, "slicefine_r5_step_vs_peer_lora_r8", ratios.get("slicefine_r5_vs_peer_lora"),
          0.45, true);
    }
    return t;
  }

  private static void target(Map<String, Map<String, Object>> out, String name, Double value,
      double threshold, boolean atMost) {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("value", value);
    target.put("threshold", (atMost ? "<= " : ">= ") + threshold);
    target.put("met", value == null ? null : atMost ? value <= threshold : value >= threshold);
    out.put(name, target);
  }

  /**
   * Signs that the numbers are not trustworthy: a method's step IQR above 25% of its median
   * (the machine's load changed during the run), or an achieved rate above the measured matmul
   * rate (the rate was measured under different contention than the steps).
   */
  List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row : rows.rows()) {
      double relIqr = number(row, "step_ms_iqr") / number(row, "step_ms_median");
      if (relIqr > 0.25) {
        out.add(String.format(Locale.ROOT, "%s: step IQR is %.0f%% of the median (load changed"
            + " during the run; rerun, or use --torch-threads 1 / OMP_WAIT_POLICY=PASSIVE on a"
            + " shared machine)", row.get("variant"), 100 * relIqr));
      }
      if (number(row, "matmul_fraction") > 1) {
        out.add(String.format(Locale.ROOT, "%s: achieved %.0f%% of the matmul rate: the rate was"
            + " measured under heavier contention than the steps", row.get("variant"),
            100 * number(row, "matmul_fraction")));
      }
    }
    return out;
  }
}
