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
import java.util.Map;
import org.slicelab.ablations.bench.BenchRunner.Result;
import org.slicelab.ablations.bench.BenchRunner.Sample;

/**
 * Turns {@link BenchRunner.Result} into the outputs: per-method rows (Parquet
 * {@code bench_methods.parquet}, built by {@link MethodRows}), every timed step
 * ({@code bench_steps.parquet}), the matmul measurements ({@code bench_machine.parquet}), a
 * markdown report ({@code bench.md}, {@link BenchMarkdown}) and the summary map printed as the
 * final JSON line (also {@code bench.json}); ratios, targets and warnings come from
 * {@link BenchFindings}.
 *
 * <p>Ratios are ratios of median step times within one thread count. A second, drift-robust
 * estimate is also given: the median (and quartiles) over rounds of the <em>paired</em> ratio of
 * the two methods' steps in the same round.
 */
public final class BenchReport {
  private final Result r;
  private final BenchMeasurements measurements;
  private final MethodRows rows;
  private final BenchFindings findings;

  /** Derives every number from the measurements. */
  public BenchReport(Result result) {
    this.r = result;
    this.measurements = new BenchMeasurements(result);
    this.rows = new MethodRows(measurements);
    this.findings = new BenchFindings(measurements, rows);
  }

  /** Per-variant rows (column -> value). */
  public List<Map<String, Object>> methodRows() {
    return rows.rows();
  }

  /** Median matmul rate (GFLOP/s) interleaved with the steps, for a thread count. */
  double matmulGflops(int threads) {
    return measurements.matmulGflops(threads);
  }

  /** Ratios of median step times at the primary thread count (and thread comparisons). */
  public Map<String, Double> ratios() {
    return findings.ratios();
  }

  /** The best achieved fraction of the matmul rate at the primary thread count. */
  public double bestMatmulFraction() {
    return findings.bestMatmulFraction();
  }

  /** The targets: measured value, threshold, met. */
  public Map<String, Map<String, Object>> targets() {
    return findings.targets();
  }

  /** Signs that the numbers are not trustworthy (see {@link BenchFindings#warnings()}). */
  public List<String> warnings() {
    return findings.warnings();
  }

  /** The markdown report. */
  public String markdown() {
    return new BenchMarkdown(measurements, rows, findings).render();
  }

  /** The final JSON line's content. */
  public Map<String, Object> summary() {
    int primaryThreads = measurements.primaryThreads();
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
    methodRows().forEach(row -> medians.put((String) row.get("variant"),
        row.get("step_ms_median")));
    s.put("step_ms_median", medians);
    if (!r.peerSamples().isEmpty()) {
      Map<String, Object> peer = new LinkedHashMap<>();
      peer.put("versions", r.peerVersions());
      Map<String, Object> peerMedians = new LinkedHashMap<>();
      methodRows().stream().filter(row -> row.get("peer_step_ms_median") != null).forEach(
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
    ParquetTable.write(out.resolve("bench_methods.parquet"), "bench_methods", methodRows());
    ParquetTable.write(out.resolve("bench_steps.parquet"), "bench_steps", stepRows());
    ParquetTable.write(out.resolve("bench_machine.parquet"), "bench_machine", machineRows());
    try {
      Files.writeString(out.resolve("bench.md"), markdown());
      Files.writeString(out.resolve("bench.json"), new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + out, e);
    }
  }

  /** Every timed step: the rows of {@code bench_steps.parquet}. */
  private List<Map<String, Object>> stepRows() {
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
    return steps;
  }

  /** Calibration and interleaved matmul rates: the rows of {@code bench_machine.parquet}. */
  private List<Map<String, Object>> machineRows() {
    List<Map<String, Object>> machine = new ArrayList<>();
    r.calibration().forEach((threads, rates) -> rates.forEach((name, gflops) ->
        machine.add(machineRow(name, threads, gflops, false))));
    r.matmulNanos().forEach((threads, ns) -> machine.add(machineRow(
        "square_" + r.options().matmulSize(), threads, matmulGflops(threads), true)));
    return machine;
  }

  private Map<String, Object> machineRow(String measurement, int threads, Double gflops,
      boolean interleaved) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("measurement", measurement);
    row.put("torch_threads", threads);
    row.put("gflops", gflops);
    row.put("interleaved", interleaved);
    row.put("started_at", r.startedAt());
    return row;
  }
}
