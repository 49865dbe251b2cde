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
 * Look-ups over one bench run's {@link Result}: a variant's samples and step times, the variant
 * of a method at a thread count, paired ratios within rounds, the interleaved matmul rate and
 * a step's FLOPs. The report's parts ({@link MethodRows}, {@link BenchFindings}) read the
 * measurements only through this class.
 */
final class BenchMeasurements {
  private final Result r;
  private final int primaryThreads;

  BenchMeasurements(Result result) {
    this.r = result;
    this.primaryThreads = r.variants().get(0).threads();
  }

  /** Everything measured. */
  Result result() {
    return r;
  }

  /** The first variant's thread count: the one sizes, memory and targets are reported at. */
  int primaryThreads() {
    return primaryThreads;
  }

  List<Sample> samples(Variant v) {
    return r.samples().stream().filter(s -> s.variant().equals(v)).toList();
  }

  double[] stepMs(Variant v) {
    return samples(v).stream().mapToDouble(Sample::stepMs).toArray();
  }

  /** The variant of {@code methodLabel} at {@code threads}, or null. */
  Variant find(String methodLabel, int threads) {
    return r.variants().stream()
        .filter(v -> v.method().label().equals(methodLabel) && v.threads() == threads)
        .findFirst().orElse(null);
  }

  /** LoRA r8 at {@code threads}, else any LoRA variant there, or null. */
  Variant lora(int threads) {
    Variant v = find("lora_r8", threads);
    if (v != null) {
      return v;
    }
    return r.variants().stream().filter(x -> x.threads() == threads
        && x.method().spec().method().equals("lora")).findFirst().orElse(null);
  }

  /** The label of {@code method}'s variant at the primary thread count, or null. */
  String primaryLabel(String method) {
    Variant v = find(method, primaryThreads);
    return v == null ? null : v.label();
  }

  List<PeerSample> peerSamples(Variant v) {
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

  /** Median over rounds of a.step / b.step in the same round, with quartiles. */
  Stats paired(Variant a, Variant b) {
    if (a == null || b == null) {
      return Stats.of(new double[0]);
    }
    Map<Integer, Double> bByRound = new LinkedHashMap<>();
    samples(b).forEach(s -> bByRound.put(s.round(), s.stepMs()));
    return pairedRatios(a, bByRound);
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

  /** The FLOPs of one step of {@code v}'s method ({@link StepProducts}). */
  FlopCounter.Flops flops(Variant v) {
    return StepProducts.flops(v.method().spec(), r.options().batchSize(),
        r.data().effectiveLen(), r.data().labelNames().size());
  }
}
