package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.bench.BenchRunner.PeerSample;
import org.slicelab.ablations.bench.BenchRunner.Result;
import org.slicelab.ablations.bench.BenchRunner.Sample;
import org.slicelab.ablations.bench.BenchRunner.Variant;
import org.slicelab.ablations.train.TrainingStep;

/**
 * The statistics and tables of {@link BenchReport} on hand-made measurements: three rounds of
 * head, full, SliceFine r5 and LoRA r8 at one thread, and a peer for SliceFine and LoRA.
 */
class BenchReportTest {
  private static final double[] HEAD = {20, 20, 20};
  private static final double[] FULL = {100, 110, 120};
  private static final double[] SLICE = {60, 55, 90};
  private static final double[] LORA = {80, 100, 90};
  private static final double[] PEER_SLICE = {120, 110, 180};
  private static final double[] PEER_LORA = {200, 220, 180};

  @TempDir
  Path out;

  private Result result(boolean withPeer) {
    List<BenchMethod> methods = BenchMethod.parseList("head,full,slicefine_r5_row,lora_r8", 16,
        128);
    BenchOptions options = new BenchOptions(Backbones.DEFAULT, methods, 16, 128, 96, 3, 1, out,
        List.of(1), false, 1, false, false, 4096, null, null);
    List<Variant> variants = methods.stream().map(m -> new Variant(m, 1, m.label())).toList();
    Map<String, double[]> times = Map.of("head", HEAD, "full", FULL, "slicefine_r5_row", SLICE,
        "lora_r8", LORA);
    List<Sample> samples = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (Variant v : variants) {
        long ns = (long) (times.get(v.label())[round] * 1e6);
        samples.add(new Sample(v, round, samples.size() % 4, new TrainingStep.Timing(round,
            0.5f, 1f, ns / 2, ns / 4, ns - ns / 2 - ns / 4), new ProcStats.Cpu(3, 1, 10, 0)));
      }
    }
    List<PeerSample> peer = new ArrayList<>();
    if (withPeer) {
      for (int round = 0; round < 3; round++) {
        peer.add(new PeerSample(variants.get(2), round, step(PEER_SLICE[round])));
        peer.add(new PeerSample(variants.get(3), round, step(PEER_LORA[round])));
      }
    }
    Map<String, Long> trainable = new LinkedHashMap<>();
    Map<String, Long> state = new LinkedHashMap<>();
    long[] counts = {770, 22_566_146, 115_970, 295_682};
    for (int i = 0; i < methods.size(); i++) {
      trainable.put(methods.get(i).label(), counts[i]);
      state.put(methods.get(i).label(), 8 * counts[i]);
    }
    return new Result(options, new BenchData(List.of(), "128 tokens", 128, 10,
        BenchData.POOL, List.of("ham", "spam")), variants,
        samples, peer, withPeer ? Map.of("torch", "2.5.1") : Map.of(),
        Map.of(1, List.of(2e6, 4e6, 3e6)), Map.of(), GEMM_FLOORS, Map.of(), Map.of(),
        trainable, state,
        Map.of("host", "testhost"), 12.5, "2026-12-02T00:00:00Z");
  }

  /** GEMM floors for every variant but LoRA (a floor that was not measured). */
  private static final Map<String, Double> GEMM_FLOORS = Map.of("head", 16.0, "full", 88.0,
      "slicefine_r5_row", 48.0);

  private static PeerProcess.Step step(double ms) {
    return new PeerProcess.Step(ms, ms / 2, ms / 3, ms / 6, 5, 1, 9);
  }

  private static Map<String, Object> row(BenchReport report, String variant) {
    return report.methodRows().stream().filter(r -> r.get("variant").equals(variant))
        .findFirst().orElseThrow();
  }

  @Test
  void stepStatisticsAreMediansAndQuartilesOverRounds() {
    Map<String, Object> slice = row(new BenchReport(result(false)), "slicefine_r5_row");
    assertEquals(60.0, (double) slice.get("step_ms_median"), 1e-9);
    assertEquals(57.5, (double) slice.get("step_ms_q1"), 1e-9);
    assertEquals(75.0, (double) slice.get("step_ms_q3"), 1e-9);
    assertEquals(17.5, (double) slice.get("step_ms_iqr"), 1e-9);
    assertEquals(55.0, (double) slice.get("step_ms_min"), 1e-9);
    assertEquals(90.0, (double) slice.get("step_ms_max"), 1e-9);
    assertEquals(30.0, (double) slice.get("forward_ms_median"), 1e-6);
    assertEquals(16 / 0.060, (double) slice.get("examples_per_second"), 1e-9);
  }

  @Test
  void ratiosOfMediansAndPairedRatiosWithinRounds() {
    BenchReport report = new BenchReport(result(false));
    Map<String, Object> slice = row(report, "slicefine_r5_row");
    assertEquals(60.0 / 110, (double) slice.get("ratio_vs_full"), 1e-12);
    assertEquals(60.0 / 90, (double) slice.get("ratio_vs_lora"), 1e-12);
    // rounds: 60/100, 55/110, 90/120 = 0.6, 0.5, 0.75
    assertEquals(0.6, (double) slice.get("paired_ratio_vs_full_median"), 1e-12);
    assertEquals(0.55, (double) slice.get("paired_ratio_vs_full_q1"), 1e-12);
    assertEquals(0.675, (double) slice.get("paired_ratio_vs_full_q3"), 1e-12);
    // rounds: 60/80, 55/100, 90/90
    assertEquals(0.75, (double) slice.get("paired_ratio_vs_lora_median"), 1e-12);
    Map<String, Double> ratios = report.ratios();
    assertEquals(60.0 / 110, ratios.get("slicefine_r5_vs_full"), 1e-12);
    assertEquals(60.0 / 90, ratios.get("slicefine_r5_vs_lora"), 1e-12);
    assertEquals(20.0 / 110, ratios.get("head_vs_full"), 1e-12);
    assertNull(ratios.get("lora_r8_vs_lora"), "LoRA is not compared with itself");
    assertNull(row(report, "head").get("paired_ratio_vs_peer_median"), "no peer, no column");
    // matmul: median of 2, 3, 4 ms for 2 * 4096^3 FLOPs
    assertEquals(2.0 * 4096 * 4096 * 4096 / 3e6, report.matmulGflops(1), 1e-6);
  }

  @Test
  void peerRatiosArePairedWithinRounds() {
    BenchReport report = new BenchReport(result(true));
    Map<String, Object> slice = row(report, "slicefine_r5_row");
    assertEquals(120.0, (double) slice.get("peer_step_ms_median"), 1e-9);
    assertEquals(0.5, (double) slice.get("paired_ratio_vs_peer_median"), 1e-12);
    // SliceFine against the peer's LoRA: 60/200, 55/220, 90/180
    assertEquals(0.3, (double) slice.get("paired_ratio_vs_peer_lora_median"), 1e-12);
    Map<String, Double> ratios = report.ratios();
    assertEquals(0.5, ratios.get("slicefine_r5_row_vs_peer"), 1e-12);
    assertEquals(0.3, ratios.get("slicefine_r5_vs_peer_lora"), 1e-12);
    assertNull(ratios.get("head_vs_peer"), "head has no peer steps here");
  }

  @Test
  void summaryJsonKeepsItsKeys() throws Exception {
    BenchReport report = new BenchReport(result(true));
    JsonNode json = new ObjectMapper().readTree(new ObjectMapper()
        .writeValueAsString(report.summary()));
    assertEquals(List.of("command", "status", "out", "torch_threads", "backbone", "batch_size",
        "max_len", "effective_len", "example_shape", "repeats", "warmup", "ratios",
        "matmul_fraction", "matmul_gflops", "step_ms_median", "peer", "targets", "warnings",
        "seconds"),
        fieldNames(json));
    assertEquals(0.3, json.get("ratios").get("slicefine_r5_vs_peer_lora").asDouble(), 1e-12);
    assertEquals(60.0, json.get("step_ms_median").get("slicefine_r5_row").asDouble(), 1e-9);
    assertEquals(120.0, json.get("peer").get("step_ms_median").get("slicefine_r5_row")
        .asDouble(), 1e-9);
    JsonNode target = json.get("targets").get("slicefine_r5_step_vs_peer_lora_r8");
    assertEquals(0.3, target.get("value").asDouble(), 1e-12);
    assertEquals("<= 0.45", target.get("threshold").asText());
    assertTrue(target.get("met").asBoolean());
    JsonNode state = json.get("targets").get("slicefine_r5_optimizer_state_vs_lora_r8");
    assertEquals(115_970.0 / 295_682, state.get("value").asDouble(), 1e-12);
    assertEquals("<= 0.5", state.get("threshold").asText());
  }

  @Test
  void markdownTablesShowTheNumbers() {
    String md = new BenchReport(result(true)).markdown();
    assertTrue(md.contains("| slicefine_r5_row | 60 [58-75] (55-90) | 30 / 15 / 15 | 266.7"
        + " | 0.55 | 0.67 | 0.60 [0.55-0.68] |"), md);
    assertTrue(md.contains("| head | 770 | 6.0 KiB |"), md);
    assertTrue(md.contains("| slicefine_r5_row | 60 | 120 | 0.50 [0.50-0.50] |"), md);
    assertTrue(md.contains("- slicefine_r5_vs_peer_lora: 0.300"), md);
    assertTrue(md.contains("| slicefine_r5_step_vs_peer_lora_r8 | 0.30 | <= 0.45 | true |"), md);
  }

  @Test
  void gemmFloorDividesTheMedianStep() {
    BenchReport report = new BenchReport(result(false));
    Map<String, Object> slice = row(report, "slicefine_r5_row");
    assertEquals(48.0, (double) slice.get("gemm_floor_ms"), 1e-12);
    assertEquals(60.0 / 48, (double) slice.get("time_vs_gemm_floor"), 1e-12);
    assertEquals(110.0 / 88, (double) row(report, "full").get("time_vs_gemm_floor"), 1e-12);
    assertNull(row(report, "lora_r8").get("time_vs_gemm_floor"), "no floor measured");
    Map<String, Object> target = report.targets().get("slicefine_r5_time_vs_gemm_floor");
    assertEquals(1.25, (double) target.get("value"), 1e-12);
    assertEquals(false, target.get("met"));
    String md = report.markdown();
    assertTrue(md.contains(" | 48 | 1.25 | - |\n"), md);
    // LoRA's FLOPs row: time / floor, then no GEMM floor, no ratio, no peer
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| lora_r8 | ")
        && l.matches(".*\\| [0-9.]+ \\| - \\| - \\| - \\|$")), md);
    // with a peer: its slice median (120 ms) against the same products
    Map<String, Object> peerSlice = row(new BenchReport(result(true)), "slicefine_r5_row");
    assertEquals(120.0 / 48, (double) peerSlice.get("peer_time_vs_gemm_floor"), 1e-12);
    assertNull(row(new BenchReport(result(true)), "head").get("peer_time_vs_gemm_floor"),
        "no peer steps for head here");
  }

  @Test
  void unevenRoundsRaiseAWarning() {
    BenchReport report = new BenchReport(result(false));
    List<String> warnings = report.warnings();
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("slicefine_r5_row: step IQR is 29%")),
        warnings.toString());
    assertTrue(warnings.stream().noneMatch(w -> w.startsWith("head:")), warnings.toString());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
