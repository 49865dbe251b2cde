package org.slicelab.ablations.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.bench.BenchRunner.PeerSample;
import org.slicelab.ablations.bench.BenchRunner.Result;
import org.slicelab.ablations.bench.BenchRunner.Sample;
import org.slicelab.ablations.bench.BenchRunner.Variant;

/**
 * The per-variant rows of {@code bench_methods.parquet} (column -> value, in column order):
 * step-time statistics, ratios against full fine-tuning and LoRA, FLOPs against the machine's
 * matmul rate, CPU and memory use, the peer's numbers and artifact sizes.
 */
final class MethodRows {
  private final BenchMeasurements m;
  private final Result r;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final Map<String, Map<String, Object>> byVariant = new LinkedHashMap<>();

  /** Derives one row per variant, in the run's variant order. */
  MethodRows(BenchMeasurements measurements) {
    this.m = measurements;
    this.r = measurements.result();
    for (Variant v : r.variants()) {
      Map<String, Object> row = row(v);
      rows.add(row);
      byVariant.put(v.label(), row);
    }
  }

  /** The rows, one per variant. */
  List<Map<String, Object>> rows() {
    return rows;
  }

  /** A numeric column of a variant's row, or null where the variant or the value is missing. */
  Double value(String variantLabel, String column) {
    Map<String, Object> row = byVariant.get(variantLabel);
    if (row == null || row.get(column) == null) {
      return null;
    }
    return ((Number) row.get(column)).doubleValue();
  }

  /** A numeric column of {@code row} as a double, NaN where it is null. */
  static double number(Map<String, Object> row, String column) {
    Object v = row.get(column);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  private Map<String, Object> row(Variant v) {
    BenchOptions o = r.options();
    String label = v.method().label();
    List<Sample> ss = m.samples(v);
    Stats step = Stats.of(m.stepMs(v));
    Stats fwd = Stats.of(ss.stream().mapToDouble(s -> s.time().forwardNanos() / 1e6).toArray());
    Stats bwd = Stats.of(ss.stream().mapToDouble(s -> s.time().backwardNanos() / 1e6).toArray());
    Stats opt = Stats.of(ss.stream().mapToDouble(s -> s.time().optimizerNanos() / 1e6).toArray());
    int len = r.data().effectiveLen();
    FlopCounter.Flops flops = m.flops(v);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("method", label);
    row.put("variant", v.label());
    row.put("family", v.method().spec().method());
    row.put("torch_threads", v.threads());
    row.put("backbone", o.backbone());
    row.put("batch_size", o.batchSize());
    row.put("max_len", o.maxLen());
    row.put("effective_len", len);
    row.put("image_size", len > 0 ? null : o.imageSize());
    row.put("repeats", o.repeats());
    row.put("warmup", o.warmup());
    row.put("step_ms_median", step.median());
    row.put("step_ms_q1", step.q1());
    row.put("step_ms_q3", step.q3());
    row.put("step_ms_iqr", step.iqr());
    row.put("step_ms_min", step.min());
    row.put("step_ms_max", step.max());
    row.put("step_ms_mean", step.mean());
    row.put("forward_ms_median", fwd.median());
    row.put("backward_ms_median", bwd.median());
    row.put("optimizer_ms_median", opt.median());
    row.put("examples_per_second", o.batchSize() / (step.median() / 1e3));
    row.put("trainable_params", r.trainable().get(label));
    row.put("optimizer_state_bytes", r.optimizerBytes().get(label));
    row.put("flops_forward", flops.forward());
    row.put("flops_activation_backward", flops.activationBackward());
    row.put("flops_weight_gradient", flops.weightGradient());
    row.put("flops_total", flops.total());
    double rate = m.matmulGflops(v.threads());
    double achieved = flops.total() / (step.median() * 1e6);
    row.put("achieved_gflops", achieved);
    row.put("matmul_gflops", rate);
    row.put("matmul_fraction", achieved / rate);
    row.put("flop_floor_ms", flops.total() / rate / 1e6);
    row.put("time_vs_floor", step.median() / (flops.total() / rate / 1e6));
    Double gemm = r.gemmFloorMs().get(v.label());
    row.put("gemm_floor_ms", gemm);
    row.put("time_vs_gemm_floor", gemm == null ? null : step.median() / gemm);
    Variant full = m.find("full", v.threads());
    Variant lora = m.lora(v.threads());
    row.put("ratio_vs_full", full == null ? null
        : step.median() / Stats.of(m.stepMs(full)).median());
    row.put("ratio_vs_lora", lora == null ? null
        : step.median() / Stats.of(m.stepMs(lora)).median());
    Stats pf = m.paired(v, full);
    Stats pl = m.paired(v, lora);
    row.put("paired_ratio_vs_full_median", pf.median());
    row.put("paired_ratio_vs_full_q1", pf.q1());
    row.put("paired_ratio_vs_full_q3", pf.q3());
    row.put("paired_ratio_vs_lora_median", pl.median());
    row.put("paired_ratio_vs_lora_q1", pl.q1());
    row.put("paired_ratio_vs_lora_q3", pl.q3());
    row.put("flops_vs_full", full == null ? null : (double) flops.total()
        / m.flops(full).total());
    cpuColumns(ss, row);
    memoryColumns(v, row);
    peerColumns(v, row);
    ArtifactSizes sizes = r.artifacts().get(label);
    row.put("merged_model_bytes", sizes == null ? null : sizes.mergedBytes());
    row.put("increment_bytes", sizes == null ? null : sizes.incrementBytes());
    row.put("started_at", r.startedAt());
    row.put("host", r.environment().get("host"));
    return row;
  }

  /** CPU time, cores busy and page faults over the variant's timed steps. */
  private static void cpuColumns(List<Sample> ss, Map<String, Object> row) {
    long user = ss.stream().mapToLong(s -> s.cpu().userTicks()).sum();
    long sys = ss.stream().mapToLong(s -> s.cpu().systemTicks()).sum();
    long faults = ss.stream().mapToLong(s -> s.cpu().minorFaults()).sum();
    double wall = ss.stream().mapToDouble(s -> s.stepMs() / 1e3).sum();
    row.put("cpu_user_seconds", user / ProcStats.TICKS_PER_SECOND);
    row.put("cpu_system_seconds", sys / ProcStats.TICKS_PER_SECOND);
    row.put("cpu_system_fraction", user + sys == 0 ? null : (double) sys / (user + sys));
    row.put("cpu_cores_busy", wall == 0 ? null
        : (user + sys) / ProcStats.TICKS_PER_SECOND / wall);
    row.put("minor_faults_per_step", ss.isEmpty() ? null : (double) faults / ss.size());
  }

  /** The memory probe's peaks (measured at the primary thread count only; else null). */
  private void memoryColumns(Variant v, Map<String, Object> row) {
    Map<String, Object> mem = r.memory().get(v.method().label());
    if (mem != null && !mem.containsKey("error") && v.threads() == m.primaryThreads()) {
      row.put("native_peak_bytes", ((Number) mem.get("native_peak_bytes")).longValue());
      row.put("setup_rss_bytes", ((Number) mem.get("setup_rss_bytes")).longValue());
      row.put("heap_peak_bytes", ((Number) mem.get("heap_peak_bytes")).longValue());
    } else {
      row.put("native_peak_bytes", null);
      row.put("setup_rss_bytes", null);
      row.put("heap_peak_bytes", null);
    }
  }

  /** The peer's numbers for the same method and thread count (null columns without a peer). */
  private void peerColumns(Variant v, Map<String, Object> row) {
    List<PeerSample> ps = m.peerSamples(v);
    boolean has = !ps.isEmpty();
    Stats step = Stats.of(ps.stream().mapToDouble(s -> s.step().stepMs()).toArray());
    Stats paired = m.pairedWithPeer(v, v);
    Variant lora = m.lora(v.threads());
    row.put("peer_step_ms_median", has ? step.median() : null);
    row.put("peer_step_ms_q1", has ? step.q1() : null);
    row.put("peer_step_ms_q3", has ? step.q3() : null);
    row.put("peer_forward_ms_median", has ? Stats.of(ps.stream()
        .mapToDouble(s -> s.step().forwardMs()).toArray()).median() : null);
    row.put("peer_backward_ms_median", has ? Stats.of(ps.stream()
        .mapToDouble(s -> s.step().backwardMs()).toArray()).median() : null);
    row.put("peer_optimizer_ms_median", has ? Stats.of(ps.stream()
        .mapToDouble(s -> s.step().optimizerMs()).toArray()).median() : null);
    row.put("peer_minor_faults_per_step", has ? ps.stream()
        .mapToLong(s -> s.step().minorFaults()).average().orElse(0) : null);
    double user = ps.stream().mapToDouble(s -> s.step().userCpuMs()).sum();
    double sys = ps.stream().mapToDouble(s -> s.step().systemCpuMs()).sum();
    row.put("peer_cpu_system_fraction", has && user + sys > 0 ? sys / (user + sys) : null);
    Double gemm = r.gemmFloorMs().get(v.label());
    row.put("peer_time_vs_gemm_floor", has && gemm != null ? step.median() / gemm : null);
    row.put("paired_ratio_vs_peer_median", has ? paired.median() : null);
    row.put("paired_ratio_vs_peer_q1", has ? paired.q1() : null);
    row.put("paired_ratio_vs_peer_q3", has ? paired.q3() : null);
    boolean hasLora = lora != null && !m.peerSamples(lora).isEmpty();
    row.put("paired_ratio_vs_peer_lora_median",
        hasLora ? m.pairedWithPeer(v, lora).median() : null);
  }
}
