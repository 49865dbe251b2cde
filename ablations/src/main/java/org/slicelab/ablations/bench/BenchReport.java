package org.slicelab.ablations.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.model.Modality;
import org.slicelab.ablations.bench.BenchRunner.Result;
import org.slicelab.ablations.bench.BenchRunner.Sample;
import org.slicelab.ablations.bench.BenchRunner.Variant;

/**
 * Turns {@link BenchRunner.Result} into the outputs: per-method rows (Parquet
 * {@code bench_methods.parquet}), every timed step ({@code bench_steps.parquet}), the matmul
 * measurements ({@code bench_machine.parquet}), a markdown report ({@code bench.md}) and the
 * summary map printed as the final JSON line (also {@code bench.json}).
 *
 * <p>Ratios are ratios of median step times within one thread count. A second, drift-robust
 * estimate is also given: the median (and quartiles) over rounds of the <em>paired</em> ratio of
 * the two methods' steps in the same round.
 */
public final class BenchReport {
  private final Result r;
  private final List<Map<String, Object>> methodRows = new ArrayList<>();
  private final Map<String, Map<String, Object>> byVariant = new LinkedHashMap<>();
  private final int primaryThreads;

  /** Derives every number from the measurements. */
  public BenchReport(Result result) {
    this.r = result;
    this.primaryThreads = r.variants().get(0).threads();
    for (Variant v : r.variants()) {
      Map<String, Object> row = row(v);
      methodRows.add(row);
      byVariant.put(v.label(), row);
    }
  }

  /** Per-variant rows (column -> value). */
  public List<Map<String, Object>> methodRows() {
    return methodRows;
  }

  private List<Sample> samples(Variant v) {
    return r.samples().stream().filter(s -> s.variant().equals(v)).toList();
  }

  private double[] stepMs(Variant v) {
    return samples(v).stream().mapToDouble(Sample::stepMs).toArray();
  }

  private Variant find(String methodLabel, int threads) {
    return r.variants().stream()
        .filter(v -> v.method().label().equals(methodLabel) && v.threads() == threads)
        .findFirst().orElse(null);
  }

  private Variant lora(int threads) {
    Variant v = find("lora_r8", threads);
    if (v != null) {
      return v;
    }
    return r.variants().stream().filter(x -> x.threads() == threads
        && x.method().spec().method().equals("lora")).findFirst().orElse(null);
  }

  private List<BenchRunner.PeerSample> peerSamples(Variant v) {
    return r.peerSamples().stream().filter(s -> s.variant().equals(v)).toList();
  }

  /** Median over rounds of a SliceLab step / the peer's step of {@code peer} in the same round. */
  Stats pairedWithPeer(Variant a, Variant peer) {
    if (a == null || peer == null) {
      return Stats.of(new double[0]);
    }
    Map<Integer, Double> byRound = new LinkedHashMap<>();
    peerSamples(peer).forEach(s -> byRound.put(s.round(), s.step().stepMs()));
    return pairedRatios(a, byRound);
  }

  /** {@code a}'s step / {@code other}'s step time of the same round, over the rounds both ran. */
  private Stats pairedRatios(Variant a, Map<Integer, Double> other) {
    List<Double> ratios = new ArrayList<>();
    for (Sample s : samples(a)) {
      Double b = other.get(s.round());
      if (b != null && b > 0) {
        ratios.add(s.stepMs() / b);
      }
    }
    return Stats.of(ratios);
  }

  /** Median matmul rate (GFLOP/s) interleaved with the steps, for a thread count. */
  double matmulGflops(int threads) {
    long n = r.options().matmulSize();
    return 2.0 * n * n * n / Stats.of(r.matmulNanos().get(threads)).median();
  }

  /** Median over rounds of a.step / b.step in the same round, with quartiles. */
  Stats paired(Variant a, Variant b) {
    if (a == null || b == null) {
      return Stats.of(new double[0]);
    }
    Map<Integer, Double> bByRound = new LinkedHashMap<>();
    samples(b).forEach(s -> bByRound.put(s.round(), s.stepMs()));
    return pairedRatios(a, bByRound);
  }

  private Map<String, Object> row(Variant v) {
    BenchOptions o = r.options();
    String label = v.method().label();
    List<Sample> ss = samples(v);
    Stats step = Stats.of(stepMs(v));
    Stats fwd = Stats.of(ss.stream().mapToDouble(s -> s.time().forwardNanos() / 1e6).toArray());
    Stats bwd = Stats.of(ss.stream().mapToDouble(s -> s.time().backwardNanos() / 1e6).toArray());
    Stats opt = Stats.of(ss.stream().mapToDouble(s -> s.time().optimizerNanos() / 1e6).toArray());
    int len = r.data().effectiveLen();
    FlopCounter.Flops flops = flops(v);
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
    double rate = matmulGflops(v.threads());
    double achieved = flops.total() / (step.median() * 1e6);
    row.put("achieved_gflops", achieved);
    row.put("matmul_gflops", rate);
    row.put("matmul_fraction", achieved / rate);
    row.put("flop_floor_ms", flops.total() / rate / 1e6);
    row.put("time_vs_floor", step.median() / (flops.total() / rate / 1e6));
    Double gemm = r.gemmFloorMs().get(v.label());
    row.put("gemm_floor_ms", gemm);
    row.put("time_vs_gemm_floor", gemm == null ? null : step.median() / gemm);
    Variant full = find("full", v.threads());
    Variant lora = lora(v.threads());
    row.put("ratio_vs_full", full == null ? null : step.median() / Stats.of(stepMs(full)).median());
    row.put("ratio_vs_lora", lora == null ? null : step.median() / Stats.of(stepMs(lora)).median());
    Stats pf = paired(v, full);
    Stats pl = paired(v, lora);
    row.put("paired_ratio_vs_full_median", pf.median());
    row.put("paired_ratio_vs_full_q1", pf.q1());
    row.put("paired_ratio_vs_full_q3", pf.q3());
    row.put("paired_ratio_vs_lora_median", pl.median());
    row.put("paired_ratio_vs_lora_q1", pl.q1());
    row.put("paired_ratio_vs_lora_q3", pl.q3());
    row.put("flops_vs_full", full == null ? null : (double) flops.total()
        / flops(full).total());
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
    Map<String, Object> mem = r.memory().get(label);
    if (mem != null && !mem.containsKey("error") && v.threads() == primaryThreads) {
      row.put("native_peak_bytes", ((Number) mem.get("native_peak_bytes")).longValue());
      row.put("setup_rss_bytes", ((Number) mem.get("setup_rss_bytes")).longValue());
      row.put("heap_peak_bytes", ((Number) mem.get("heap_peak_bytes")).longValue());
    } else {
      row.put("native_peak_bytes", null);
      row.put("setup_rss_bytes", null);
      row.put("heap_peak_bytes", null);
    }
    peerColumns(v, row);
    ArtifactSizes sizes = r.artifacts().get(label);
    row.put("merged_model_bytes", sizes == null ? null : sizes.mergedBytes());
    row.put("increment_bytes", sizes == null ? null : sizes.incrementBytes());
    row.put("started_at", r.startedAt());
    row.put("host", r.environment().get("host"));
    return row;
  }

  /** The FLOPs of one step of {@code v}'s method ({@link StepProducts}). */
  private FlopCounter.Flops flops(Variant v) {
    return StepProducts.flops(v.method().spec(), r.options().batchSize(),
        r.data().effectiveLen(), r.data().labelNames().size());
  }

  /** The peer's numbers for the same method and thread count (null columns without a peer). */
  private void peerColumns(Variant v, Map<String, Object> row) {
    List<BenchRunner.PeerSample> ps = peerSamples(v);
    boolean has = !ps.isEmpty();
    Stats step = Stats.of(ps.stream().mapToDouble(s -> s.step().stepMs()).toArray());
    Stats paired = pairedWithPeer(v, v);
    Variant lora = lora(v.threads());
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
    boolean hasLora = lora != null && !peerSamples(lora).isEmpty();
    row.put("paired_ratio_vs_peer_lora_median",
        hasLora ? pairedWithPeer(v, lora).median() : null);
  }

  private Double rowValue(String label, String column) {
    Map<String, Object> row = byVariant.get(label);
    if (row == null || row.get(column) == null) {
      return null;
    }
    return ((Number) row.get(column)).doubleValue();
  }

  private String primaryLabel(String method) {
    Variant v = find(method, primaryThreads);
    return v == null ? null : v.label();
  }

  /** Ratios of median step times at the primary thread count (and thread comparisons). */
  public Map<String, Double> ratios() {
    Map<String, Double> out = new LinkedHashMap<>();
    putRatio(out, "slicefine_r5_vs_full", "slicefine_r5_row", "ratio_vs_full");
    putRatio(out, "slicefine_r5_vs_lora", "slicefine_r5_row", "ratio_vs_lora");
    putRatio(out, "sift_1pct_vs_full", "sift_1pct", "ratio_vs_full");
    for (BenchMethod m : r.options().methods()) {
      if (!m.label().equals("full")) {
        putRatio(out, m.label() + "_vs_full", m.label(), "ratio_vs_full");
      }
      if (!m.spec().method().equals("lora") && !m.label().equals("full")) {
        putRatio(out, m.label() + "_vs_lora", m.label(), "ratio_vs_lora");
      }
    }
    for (Variant v : r.variants()) {
      Double peer = rowValue(v.label(), "paired_ratio_vs_peer_median");
      if (peer != null) {
        out.put(v.label() + "_vs_peer", peer);
      }
    }
    String slice = primaryLabel("slicefine_r5_row");
    if (slice != null && rowValue(slice, "paired_ratio_vs_peer_lora_median") != null) {
      out.put("slicefine_r5_vs_peer_lora", rowValue(slice, "paired_ratio_vs_peer_lora_median"));
    }
    List<Integer> threads = r.variants().stream().map(Variant::threads).distinct().toList();
    for (int t : threads.subList(1, threads.size())) {
      for (BenchMethod m : r.options().methods()) {
        Variant a = find(m.label(), t);
        Variant b = find(m.label(), primaryThreads);
        out.put(m.label() + "_t" + t + "_vs_t" + primaryThreads,
            Stats.of(stepMs(a)).median() / Stats.of(stepMs(b)).median());
      }
    }
    return out;
  }

  private void putRatio(Map<String, Double> out, String key, String method, String column) {
    String label = primaryLabel(method);
    if (label != null && !out.containsKey(key)) {
      Double v = rowValue(label, column);
      if (v != null) {
        out.put(key, v);
      }
    }
  }

  /** The best achieved fraction of the matmul rate at the primary thread count. */
  public double bestMatmulFraction() {
    return methodRows.stream().filter(row -> (int) row.get("torch_threads") == primaryThreads)
        .mapToDouble(row -> (Double) row.get("matmul_fraction")).max().orElse(Double.NaN);
  }

  /** The targets: measured value, threshold, met. */
  public Map<String, Map<String, Object>> targets() {
    Map<String, Map<String, Object>> t = new LinkedHashMap<>();
    Map<String, Double> ratios = ratios();
    target(t, "slicefine_r5_step_vs_full", ratios.get("slicefine_r5_vs_full"), 0.75, true);
    target(t, "slicefine_r5_step_vs_lora_r8", ratios.get("slicefine_r5_vs_lora"), 1.0, true);
    String s = primaryLabel("slicefine_r5_row");
    Variant lora = lora(primaryThreads);
    Double state = s == null || lora == null ? null
        : rowValue(s, "optimizer_state_bytes") / rowValue(lora.label(), "optimizer_state_bytes");
    target(t, "slicefine_r5_optimizer_state_vs_lora_r8", state, 0.5, true);
    String full = primaryLabel("full");
    target(t, "full_step_matmul_fraction", full == null ? null
        : rowValue(full, "matmul_fraction"), 0.40, false);
    target(t, "best_step_matmul_fraction", bestMatmulFraction(), 0.40, false);
    target(t, "slicefine_r5_time_vs_flop_floor", s == null ? null
        : rowValue(s, "time_vs_floor"), 1.15, true);
    target(t, "slicefine_r5_time_vs_gemm_floor", s == null ? null
        : rowValue(s, "time_vs_gemm_floor"), 1.15, true);
    if (!r.peerSamples().isEmpty()) {
      for (Variant v : r.variants()) {
        Double peer = rowValue(v.label(), "paired_ratio_vs_peer_median");
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
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", value);
    m.put("threshold", (atMost ? "<= " : ">= ") + threshold);
    m.put("met", value == null ? null : atMost ? value <= threshold : value >= threshold);
    out.put(name, m);
  }

  /**
   * Signs that the numbers are not trustworthy: a method's step IQR above 25% of its median
   * (the machine's load changed during the run), or an achieved rate above the measured matmul
   * rate (the rate was measured under different contention than the steps).
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row : methodRows) {
      double relIqr = d(row, "step_ms_iqr") / d(row, "step_ms_median");
      if (relIqr > 0.25) {
        out.add(String.format(Locale.ROOT, "%s: step IQR is %.0f%% of the median (load changed"
            + " during the run; rerun, or use --torch-threads 1 / OMP_WAIT_POLICY=PASSIVE on a"
            + " shared machine)", row.get("variant"), 100 * relIqr));
      }
      if (d(row, "matmul_fraction") > 1) {
        out.add(String.format(Locale.ROOT, "%s: achieved %.0f%% of the matmul rate: the rate was"
            + " measured under heavier contention than the steps", row.get("variant"),
            100 * d(row, "matmul_fraction")));
      }
    }
    return out;
  }

  /** The final JSON line's content. */
  public Map<String, Object> summary() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", "bench");
    s.put("status", "ok");
    s.put("out", r.options().out().toString());
    s.put("torch_threads", primaryThreads);
    s.put("backbone", r.options().backbone());
    s.put("batch_size", r.options().batchSize());
    s.put("max_len", r.options().maxLen());
    s.put("effective_len", r.data().effectiveLen());
    s.put("example_shape", r.data().shape());
    s.put("repeats", r.options().repeats());
    s.put("warmup", r.options().warmup());
    s.put("ratios", ratios());
    s.put("matmul_fraction", bestMatmulFraction());
    s.put("matmul_gflops", matmulGflops(primaryThreads));
    Map<String, Object> medians = new LinkedHashMap<>();
    methodRows.forEach(row -> medians.put((String) row.get("variant"), row.get("step_ms_median")));
    s.put("step_ms_median", medians);
    if (!r.peerSamples().isEmpty()) {
      Map<String, Object> peer = new LinkedHashMap<>();
      peer.put("versions", r.peerVersions());
      Map<String, Object> peerMedians = new LinkedHashMap<>();
      methodRows.stream().filter(row -> row.get("peer_step_ms_median") != null).forEach(
          row -> peerMedians.put((String) row.get("variant"), row.get("peer_step_ms_median")));
      peer.put("step_ms_median", peerMedians);
      s.put("peer", peer);
    }
    s.put("targets", targets());
    s.put("warnings", warnings());
    s.put("seconds", r.seconds());
    return s;
  }

  /** Writes Parquet tables, bench.md and bench.json into the output directory. */
  public void write() {
    Path out = r.options().out();
    ParquetTable.write(out.resolve("bench_methods.parquet"), "bench_methods", methodRows);
    List<Map<String, Object>> steps = new ArrayList<>();
    for (Sample s : r.samples()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("method", s.variant().method().label());
      row.put("variant", s.variant().label());
      row.put("torch_threads", s.variant().threads());
      row.put("round", s.round());
      row.put("position", s.position());
      row.put("step_ms", s.stepMs());
      row.put("forward_ms", s.time().forwardNanos() / 1e6);
      row.put("backward_ms", s.time().backwardNanos() / 1e6);
      row.put("optimizer_ms", s.time().optimizerNanos() / 1e6);
      row.put("cpu_user_ticks", s.cpu().userTicks());
      row.put("cpu_system_ticks", s.cpu().systemTicks());
      row.put("minor_faults", s.cpu().minorFaults());
      row.put("started_at", r.startedAt());
      steps.add(row);
    }
    ParquetTable.write(out.resolve("bench_steps.parquet"), "bench_steps", steps);
    List<Map<String, Object>> machine = new ArrayList<>();
    r.calibration().forEach((threads, rates) -> rates.forEach((name, gflops) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("measurement", name);
      row.put("torch_threads", threads);
      row.put("gflops", gflops);
      row.put("interleaved", false);
      row.put("started_at", r.startedAt());
      machine.add(row);
    }));
    r.matmulNanos().forEach((threads, ns) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("measurement", "square_" + r.options().matmulSize());
      row.put("torch_threads", threads);
      row.put("gflops", matmulGflops(threads));
      row.put("interleaved", true);
      row.put("started_at", r.startedAt());
      machine.add(row);
    });
    ParquetTable.write(out.resolve("bench_machine.parquet"), "bench_machine", machine);
    try {
      Files.writeString(out.resolve("bench.md"), markdown());
      Files.writeString(out.resolve("bench.json"), new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + out, e);
    }
  }

  /** The markdown report. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    BenchOptions o = r.options();
    md.append("# SliceLab bench\n\n");
    md.append(String.format(Locale.ROOT, "Started %s on %s; backbone %s (%s), batch"
            + " %d, %s, %d warm-up + %d timed interleaved rounds, torch"
            + " threads %s. Environment: %s.%n%n", r.startedAt(), r.environment().get("host"),
        o.backbone(), layers(o.backbone()), o.batchSize(), r.data().effectiveLen() > 0
            ? String.format(Locale.ROOT, "length %d (effective %d)", o.maxLen(),
                r.data().effectiveLen()) : "images " + r.data().shape(), o.warmup(), o.repeats(),
        r.variants().stream().map(Variant::threads).distinct().toList(), r.environment()));
    md.append("## Step time\n\n");
    md.append("| method | step ms median [IQR] (min-max) | fwd / bwd / opt ms | examples/s"
        + " | vs full | vs lora_r8 | paired vs full [IQR] | sys CPU | cores busy"
        + " | faults/step |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> row : methodRows) {
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
    if (!r.peerSamples().isEmpty()) {
      md.append(peerMarkdown());
    }
    md.append("\n## Size and memory\n\n");
    md.append("| method | trainable params | optimizer state | native peak (RSS above"
        + " baseline) | Java heap peak | merged model | trained increments only |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> row : methodRows) {
      if ((int) row.get("torch_threads") != primaryThreads) {
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s |%n",
          row.get("method"), ((Number) row.get("trainable_params")).longValue(),
          bytes(row.get("optimizer_state_bytes")), bytes(row.get("native_peak_bytes")),
          bytes(row.get("heap_peak_bytes")), bytes(row.get("merged_model_bytes")),
          bytes(row.get("increment_bytes"))));
    }
    md.append("\n## FLOPs and the machine's limit\n\n");
    md.append(String.format(Locale.ROOT, "Matmul rate measured in-process through DJL"
        + " (float32 %dx%d, one product per round interleaved with the steps, median): %s."
        + " Calibration before the rounds: %s GFLOP/s.%n%n", o.matmulSize(), o.matmulSize(),
        r.matmulNanos().keySet().stream().map(t -> String.format(Locale.ROOT,
            "%.1f GFLOP/s at %d thread(s)", matmulGflops(t), t)).toList(), r.calibration()));
    md.append("| method | GFLOP fwd / act-bwd / weight-grad = total | FLOPs vs full"
        + " | achieved GFLOP/s | fraction of matmul rate | FLOP floor ms | time / floor"
        + " | GEMM floor ms | time / GEMM floor | peer time / GEMM floor |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> row : methodRows) {
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
    md.append("\n## Targets\n\n| target | measured | threshold | met |\n|---|---|---|---|\n");
    targets().forEach((name, t) -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n",
        name, f2(t.get("value")), t.get("threshold"), t.get("met"))));
    List<String> warnings = warnings();
    if (!warnings.isEmpty()) {
      md.append("\nWarnings (numbers not trustworthy):\n\n");
      warnings.forEach(w -> md.append("- ").append(w).append('\n'));
    }
    md.append("\nRatios (medians):\n\n");
    ratios().forEach((k, v) -> md.append(String.format(Locale.ROOT, "- %s: %.3f%n", k, v)));
    return md.toString();
  }

  /** The backbone's depth for the report's header: encoder layers or weight layers. */
  private static String layers(String backbone) {
    Backbone b = Backbones.get(backbone);
    if (b.modality() == Modality.TEXT) {
      return Backbones.text(backbone).config().layers() + " layers";
    }
    return b.architecture().layers().size() + " convolutions";
  }

  private String peerMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%n## Against the peer%n%nThe peer: %s (%s;"
        + " same shapes, AdamW with clipping 1.0), one peer step per method in every round,"
        + " interleaved with SliceLab's. Ratio = SliceLab step / peer step of the same round"
        + " (median [IQR] over rounds).%n%n", r.peerVersions(),
        r.data().effectiveLen() > 0 ? "bin/peer_bench.py" : "bin/peer_bench_vision.py"));
    md.append("| method | SliceLab ms | peer ms | SliceLab / peer [IQR] | peer fwd / bwd / opt ms"
        + " | peer faults/step | peer sys CPU | vs peer LoRA |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> row : methodRows) {
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

  private static double d(Map<String, Object> row, String key) {
    Object v = row.get(key);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
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
