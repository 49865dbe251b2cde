package org.slicelab.ablations.bench;

import static org.slicelab.ablations.bench.MethodRows.number;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.bench.BenchRunner.Result;
import org.slicelab.ablations.bench.BenchRunner.Variant;
import org.slicelab.ablations.model.Modality;

/**
 * The markdown report ({@code bench.md}): step times, the peer, size and memory, FLOPs against
 * the machine's limit, targets, warnings and ratios.
 */
final class BenchMarkdown {
  private final BenchMeasurements m;
  private final Result r;
  private final List<Map<String, Object>> rows;
  private final BenchFindings findings;

  BenchMarkdown(BenchMeasurements measurements, MethodRows rows, BenchFindings findings) {
    this.m = measurements;
    this.r = measurements.result();
    this.rows = rows.rows();
    this.findings = findings;
  }

  /** The whole report. */
  String render() {
    StringBuilder md = new StringBuilder();
    md.append("# SliceLab bench\n\n");
    md.append(header());
    md.append(stepTimes());
    if (!r.peerSamples().isEmpty()) {
      md.append(peer());
    }
    md.append(sizeAndMemory());
    md.append(flops());
    md.append("\n## Targets\n\n");
    md.append(tableHeader("target", "measured", "threshold", "met"));
    findings.targets().forEach((name, t) -> md.append(String.format(Locale.ROOT,
        "| %s | %s | %s | %s |%n", name, f2(t.get("value")), t.get("threshold"), t.get("met"))));
    List<String> warnings = findings.warnings();
    if (!warnings.isEmpty()) {
      md.append("\nWarnings (numbers not trustworthy):\n\n");
      warnings.forEach(w -> md.append("- ").append(w).append('\n'));
    }
    md.append("\nRatios (medians):\n\n");
    findings.ratios().forEach((k, v) -> md.append(String.format(Locale.ROOT, "- %s: %.3f%n", k,
        v)));
    return md.toString();
  }

  private String header() {
    BenchOptions o = r.options();
    return String.format(Locale.ROOT, "Started %s on %s; backbone %s (%s), batch"
            + " %d, %s, %d warm-up + %d timed interleaved rounds, torch"
            + " threads %s. Environment: %s.%n%n", r.startedAt(), r.environment().get("host"),
        o.backbone(), layers(o.backbone()), o.batchSize(), r.data().effectiveLen() > 0
            ? String.format(Locale.ROOT, "length %d (effective %d)", o.maxLen(),
                r.data().effectiveLen()) : "images " + r.data().shape(), o.warmup(), o.repeats(),
        r.variants().stream().map(Variant::threads).distinct().toList(), r.environment());
  }

  private String stepTimes() {
    StringBuilder md = new StringBuilder("## Step time\n\n");
    md.append(tableHeader("method", "step ms median [IQR] (min-max)", "fwd / bwd / opt ms",
        "examples/s", "vs full", "vs lora_r8", "paired vs full [IQR]", "sys CPU", "cores busy",
        "faults/step"));
    for (Map<String, Object> row : rows) {
      md.append(String.format(Locale.ROOT,
          "| %s | %.0f [%.0f-%.0f] (%.0f-%.0f) | %.0f / %.0f / %.0f | %.1f | %s | %s | %s | %s"
              + " | %s | %s |%n",
          row.get("variant"), d(row, "step_ms_median"), d(row, "step_ms_q1"),
          d(row, "step_ms_q3"), d(row, "step_ms_min"), d(row, "step_ms_max"),
          d(row, "forward_ms_median"), d(row, "backward_ms_median"),
          d(row, "optimizer_ms_median"), d(row, "examples_per_second"),
          f2(row.get("ratio_vs_full")), f2(row.get("ratio_vs_lora")),
          row.get("paired_ratio_vs_full_median") == null
              || Double.isNaN(d(row, "paired_ratio_vs_full_median")) ? "-"
              : String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", d(row,
                  "paired_ratio_vs_full_median"), d(row, "paired_ratio_vs_full_q1"),
                  d(row, "paired_ratio_vs_full_q3")),
          pct(row.get("cpu_system_fraction")), f2(row.get("cpu_cores_busy")),
          row.get("minor_faults_per_step") == null ? "-"
              : String.format(Locale.ROOT, "%.0f", d(row, "minor_faults_per_step"))));
    }
    return md.toString();
  }

  private String peer() {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%n## Against the peer%n%nThe peer: %s (%s;"
        + " same shapes, AdamW with clipping 1.0), one peer step per method in every round,"
        + " interleaved with SliceLab's. Ratio = SliceLab step / peer step of the same round"
        + " (median [IQR] over rounds).%n%n", r.peerVersions(),
        r.data().effectiveLen() > 0 ? "bin/peer_bench.py" : "bin/peer_bench_vision.py"));
    md.append(tableHeader("method", "SliceLab ms", "peer ms", "SliceLab / peer [IQR]",
        "peer fwd / bwd / opt ms", "peer faults/step", "peer sys CPU", "vs peer LoRA"));
    for (Map<String, Object> row : rows) {
      if (row.get("peer_step_ms_median") == null) {
        continue;
      }
      md.append(String.format(Locale.ROOT,
          "| %s | %.0f | %.0f | %.2f [%.2f-%.2f] | %.0f / %.0f / %.0f | %.0f | %s | %s |%n",
          row.get("variant"), d(row, "step_ms_median"), d(row, "peer_step_ms_median"),
          d(row, "paired_ratio_vs_peer_median"), d(row, "paired_ratio_vs_peer_q1"),
          d(row, "paired_ratio_vs_peer_q3"), d(row, "peer_forward_ms_median"),
          d(row, "peer_backward_ms_median"), d(row, "peer_optimizer_ms_median"),
          d(row, "peer_minor_faults_per_step"), pct(row.get("peer_cpu_system_fraction")),
          f2(row.get("paired_ratio_vs_peer_lora_median"))));
    }
    return md.toString();
  }

  private String sizeAndMemory() {
    StringBuilder md = new StringBuilder("\n## Size and memory\n\n");
    md.append(tableHeader("method", "trainable params", "optimizer state",
        "native peak (RSS above baseline)", "Java heap peak", "merged model",
        "trained increments only"));
    for (Map<String, Object> row : rows) {
      if ((int) row.get("torch_threads") != m.primaryThreads()) {
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s |%n",
          row.get("method"), ((Number) row.get("trainable_params")).longValue(),
          bytes(row.get("optimizer_state_bytes")), bytes(row.get("native_peak_bytes")),
          bytes(row.get("heap_peak_bytes")), bytes(row.get("merged_model_bytes")),
          bytes(row.get("increment_bytes"))));
    }
    return md.toString();
  }

  private String flops() {
    BenchOptions o = r.options();
    StringBuilder md = new StringBuilder("\n## FLOPs and the machine's limit\n\n");
    md.append(String.format(Locale.ROOT, "Matmul rate measured in-process through DJL"
        + " (float32 %dx%d, one product per round interleaved with the steps, median): %s."
        + " Calibration before the rounds: %s GFLOP/s.%n%n", o.matmulSize(), o.matmulSize(),
        r.matmulNanos().keySet().stream().map(t -> String.format(Locale.ROOT,
            "%.1f GFLOP/s at %d thread(s)", m.matmulGflops(t), t)).toList(), r.calibration()));
    md.append(tableHeader("method", "GFLOP fwd / act-bwd / weight-grad = total", "FLOPs vs full",
        "achieved GFLOP/s", "fraction of matmul rate", "FLOP floor ms", "time / floor",
        "GEMM floor ms", "time / GEMM floor", "peer time / GEMM floor"));
    for (Map<String, Object> row : rows) {
      md.append(String.format(Locale.ROOT,
          "| %s | %.1f / %.1f / %.1f = %.1f | %s | %.1f | %.0f%% | %.0f | %.2f | %s | %s | %s |%n",
          row.get("variant"), g(row, "flops_forward"), g(row, "flops_activation_backward"),
          g(row, "flops_weight_gradient"), g(row, "flops_total"), f2(row.get("flops_vs_full")),
          d(row, "achieved_gflops"), 100 * d(row, "matmul_fraction"), d(row, "flop_floor_ms"),
          d(row, "time_vs_floor"), f0(row.get("gemm_floor_ms")),
          f2(row.get("time_vs_gemm_floor")), f2(row.get("peer_time_vs_gemm_floor"))));
    }
    if (r.gemmFloorMs().isEmpty() && r.data().effectiveLen() == 0) {
      md.append("\nConvolutions are counted in their im2col view (ConvFlopCounter); the GEMM"
          + " floor is n/a: oneDNN runs them as direct kernels, not as those products, and a"
          + " depthwise convolution is no product at all.\n");
    }
    md.append("\nFLOP floor: the step's product FLOPs at the square matmul rate. GEMM floor: the"
        + " step's products timed alone at their own shapes and layouts (skinny, transposed,"
        + " batched), summed; time / GEMM floor is the step against its products alone, so what"
        + " it exceeds 1 by is element-wise work, the optimizer, overhead and operands no longer in"
        + " cache. The peer's steps run the same products, so they divide by the same floor."
        + " Attention is timed as its written-out products; SliceLab's steps run the fused"
        + " kernel instead at 1 thread, the peer's at every thread count.\n");
    return md.toString();
  }

  /** A markdown table's header line and its separator line. */
  private static String tableHeader(String... columns) {
    return "| " + String.join(" | ", columns) + " |\n" + "|---".repeat(columns.length) + "|\n";
  }

  /** The backbone's depth for the report's header: encoder layers or weight layers. */
  private static String layers(String backbone) {
    Backbone b = Backbones.get(backbone);
    if (b.modality() == Modality.TEXT) {
      return Backbones.text(backbone).config().layers() + " layers";
    }
    return b.architecture().layers().size() + " convolutions";
  }

  private static double d(Map<String, Object> row, String key) {
    return number(row, key);
  }

  private static double g(Map<String, Object> row, String key) {
    return d(row, key) / 1e9;
  }

  private static String f2(Object v) {
    return v == null || (v instanceof Double x && x.isNaN()) ? "-"
        : String.format(Locale.ROOT, "%.2f", ((Number) v).doubleValue());
  }

  private static String f0(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f", ((Number) v).doubleValue());
  }

  private static String pct(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f%%",
        100 * ((Number) v).doubleValue());
  }

  /** A byte count as B, KiB or MiB; "-" for null or negative. */
  static String bytes(Object v) {
    if (v == null) {
      return "-";
    }
    double b = ((Number) v).doubleValue();
    if (b < 0) {
      return "-";
    }
    if (b >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20));
    }
    if (b >= 1 << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }
}
