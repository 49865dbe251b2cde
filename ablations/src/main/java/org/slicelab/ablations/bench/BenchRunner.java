package org.slicelab.ablations.bench;

import org.slicelab.ablations.backbone.Backbones;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.bench.FlopCounter.Product;
import org.slicelab.ablations.method.LinearTraining;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.backbone.DeviceSyncs;
import org.slicelab.ablations.train.TrainingStep;
import org.slicelab.ablations.trial.Provenance;
import org.slicelab.ablations.trial.TrialResources;

/**
 * Runs the benchmark: every method's training step, interleaved round-robin in one process so
 * that machine drift (other jobs, thermal, frequency) hits all methods alike; then peak memory
 * per method in child JVMs, artefact sizes, FLOP counts, the machine's matmul rate and each
 * method's GEMM floor ({@link GemmFloor}).
 *
 * <p>Round r runs one step of every (method, thread count) variant, in an order rotated by r, plus
 * one timed {@code n x n} matmul per thread count (the rate the step is compared with, measured
 * under the same drift) and one pass over the distinct products of the steps at that thread count
 * (the GEMM floor). Every method's round r uses the same batch. The first {@code warmup}
 * rounds are not recorded. With a peer ({@link PeerProcess}), every round also runs one peer
 * step of each method the peer has, in the same rotation, so SliceLab/peer ratios are paired
 * within a round.
 */
public final class BenchRunner {
  /** Distinct batches cycled over the rounds. */
  public static final int DISTINCT_BATCHES = 4;
  /** Seed of the batch selection. */
  public static final long DATA_SEED = 7;

  private final BenchOptions options;
  private final PrintStream log;

  /** A runner logging progress to {@code log}. */
  public BenchRunner(BenchOptions options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  /** One (method, torch thread count) combination. */
  record Variant(BenchMethod method, int threads, String label) {
  }

  /** One timed step. */
  record Sample(Variant variant, int round, int position, TrainingStep.Timing time,
      ProcStats.Cpu cpu) {
    double stepMs() {
      return time.totalNanos() / 1e6;
    }
  }

  /** One timed step of the peer (same method label and thread count as a SliceLab variant). */
  record PeerSample(Variant variant, int round, PeerProcess.Step step) {
  }

  /** Everything measured; see {@link BenchReport} for the outputs. */
  record Result(BenchOptions options, BenchData data, List<Variant> variants,
      List<Sample> samples, List<PeerSample> peerSamples, Map<String, String> peerVersions,
      Map<Integer, List<Double>> matmulNanos,
      Map<Integer, Map<String, Double>> calibration, Map<String, Double> gemmFloorMs,
      Map<String, Map<String, Object>> memory,
      Map<String, ArtifactSizes> artifacts, Map<String, Long> trainable,
      Map<String, Long> optimizerBytes, Map<String, String> environment, double seconds,
      String startedAt) {
  }

  /**
   * Loads every class the run needs up front: a run takes minutes, and a rebuild of the
   * application jar meanwhile (another build in the same work tree) would otherwise make a
   * class loaded late fail with NoClassDefFoundError after all the measuring.
   */
  public static void preloadClasses() {
    for (Class<?> c : List.of(Result.class, Sample.class, Variant.class, BenchReport.class,
        BenchMeasurements.class, MethodRows.class, BenchFindings.class, BenchMarkdown.class,
        PeerSample.class, PeerProcess.class, PeerProcess.Step.class,
        ParquetTable.class, ArtifactSizes.class, ArtifactSizes.Tensor.class, MemoryProbe.class,
        FlopCounter.class, FlopCounter.Flops.class, Stats.class, ProcStats.class,
        ProcStats.Cpu.class, MatmulRate.class, GemmFloor.class, FlopCounter.Product.class,
        FlopCounter.Part.class, TrainingStep.Timing.class, LinearTraining.Kind.class,
        FlopCounter.Plan.class, FlopCounter.LinearPlan.class, StepProducts.class,
        ConvFlopCounter.class, BenchData.class)) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      Class.forName(FlopCounter.class.getName() + "$ProductList");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs everything and returns the measurements. */
  public Result run() {
    long start = System.nanoTime();
    String startedAt = Instant.now().toString();
    try {
      Files.createDirectories(options.out());
    } catch (IOException e) {
      throw new IllegalArgumentException("option '--out' = " + options.out()
          + " cannot be created: " + e.getMessage(), e);
    }
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    int engineThreads = JniUtils.getNumThreads();
    List<Integer> threadCounts = options.threads().isEmpty()
        ? List.of(engineThreads) : options.threads();
    Map<String, String> env = environment(engineThreads);
    env.put("device", options.device().toString());
    log.println("[bench] environment " + env);

    BenchData data = BenchData.load(options.backbone(), options.batchSize(), options.maxLen(),
        options.imageSize(), DISTINCT_BATCHES, DATA_SEED);
    boolean text = data.effectiveLen() > 0;
    if (text) {
      log.printf(Locale.ROOT, "[bench] data: %d batches of %d from %d SpamAssassin training texts"
              + " (%d reach max_len %d); steps run at length %d%n", data.batches().size(),
          options.batchSize(), data.poolSize(), data.fullLengthTexts(), options.maxLen(),
          data.effectiveLen());
      if (data.effectiveLen() < options.maxLen()) {
        log.println("[bench] WARNING: no text reaches max_len; steps run at length "
            + data.effectiveLen());
      }
    } else {
      log.printf(Locale.ROOT, "[bench] data: %d batches of %d images (%s) from %d %s training"
              + " images%n", data.batches().size(), options.batchSize(), data.shape(),
          data.poolSize(), BenchMethod.IMAGE_DATASET);
    }
    TrialResources.shared().backbone(options.backbone()).weights();

    Map<Integer, Map<String, Double>> calibration = new LinkedHashMap<>();
    for (int t : threadCounts) {
      JniUtils.setNumThreads(t);
      calibration.put(t, calibrate(text ? data.effectiveLen() : 0));
      log.println("[bench] matmul GFLOP/s with " + t + " torch thread(s): " + calibration.get(t));
    }

    List<Variant> variants = new ArrayList<>();
    for (int t : threadCounts) {
      for (BenchMethod m : options.methods()) {
        String label = threadCounts.size() == 1 ? m.label() : m.label() + "@t" + t;
        variants.add(new Variant(m, t, label));
      }
    }
    Map<String, BenchCase> cases = new LinkedHashMap<>();
    Map<String, Long> trainable = new LinkedHashMap<>();
    Map<String, Long> optimizerBytes = new LinkedHashMap<>();
    for (BenchMethod m : options.methods()) {
      long t0 = System.nanoTime();
      BenchCase c = new BenchCase(m, data.batch(0), data.labelNames().size(),
          options.device());
      c.createOptimizer();
      cases.put(m.label(), c);
      trainable.put(m.label(), c.trainableParams());
      optimizerBytes.put(m.label(), c.optimizerStateBytes());
      log.printf(Locale.ROOT, "[bench] built %s: %d trainable, optimizer state %d B (%.1f s)%n",
          m.label(), c.trainableParams(), c.optimizerStateBytes(),
          (System.nanoTime() - t0) / 1e9);
    }

    List<Variant> peerVariants = options.peerCommand() == null ? List.of()
        : variants.stream().filter(v -> PeerProcess.supports(v.method().label())).toList();
    List<Sample> samples = new ArrayList<>();
    List<PeerSample> peerSamples = new ArrayList<>();
    Map<String, String> peerVersions = new LinkedHashMap<>();
    Map<Integer, List<Double>> matmulNanos = new LinkedHashMap<>();
    threadCounts.forEach(t -> matmulNanos.put(t, new ArrayList<>()));
    // the GEMM floor times the step's products alone: text encoders only (ConvFlopCounter)
    // the GEMM floor times CPU products: meaningless for steps on a GPU
    Map<String, List<Product>> products = StepProducts.gemmFloorApplies(options.backbone())
        && !options.device().isGpu() ? stepProducts(variants, data) : Map.of();
    Map<Integer, GemmFloor> gemmFloors = new LinkedHashMap<>();
    // SliceLab's own device read-backs in each method's last step (GPU synchronisations)
    Map<String, Long> syncsPerStep = new LinkedHashMap<>();
    Map<String, Double> gemmFloorMs = new LinkedHashMap<>();
    try (MatmulRate matmul = new MatmulRate(options.matmulSize());
        PeerProcess peer = startPeer(peerVariants)) {
      for (int t : threadCounts) {
        gemmFloors.computeIfAbsent(t, n -> new GemmFloor(variants.stream()
            .filter(v -> v.threads() == n)
            .flatMap(v -> products.getOrDefault(v.label(), List.of()).stream()).toList()));
        log.printf(Locale.ROOT, "[bench] GEMM floor at %d thread(s): %d product shapes per"
            + " round%s%n", t, gemmFloors.get(t).shapes(), products.isEmpty()
            ? " (none: convolutions are direct kernels, not products)" : "");
      }
      if (peer != null) {
        peerVersions.putAll(peer.versions());
        log.println("[bench] peer " + peerVersions + " runs " + peerVariants.stream()
            .map(Variant::label).toList());
      }
      int rounds = options.warmup() + options.repeats();
      // the first step after a change of the thread count is untimed, on both sides
      TorchThreads threadsNow = new TorchThreads();
      int peerThreadsNow = -1;
      for (int round = 0; round < rounds; round++) {
        boolean timed = round >= options.warmup();
        int timedRound = round - options.warmup();
        long roundStart = System.nanoTime();
        // entries: the variants, the peer's variants, one machine slot per thread count (the
        // square matmul and a pass over the GEMM floor's shapes); rotated by round
        int entries = variants.size() + peerVariants.size() + threadCounts.size();
        for (int i = 0; i < entries; i++) {
          int e = Math.floorMod(i + round, entries);
          if (e >= variants.size() + peerVariants.size()) {
            int t = threadCounts.get(e - variants.size() - peerVariants.size());
            if (threadsNow.use(t)) {
              matmul.timeOnce();
            }
            long ns = matmul.timeOnce();
            if (timed) {
              matmulNanos.get(t).add((double) ns);
            }
            gemmFloors.get(t).timePass(timed);
            continue;
          }
          if (e >= variants.size()) {
            Variant v = peerVariants.get(e - variants.size());
            if (v.threads() != peerThreadsNow) {
              peer.step(v.method().label(), v.threads(), round % DISTINCT_BATCHES);
              peerThreadsNow = v.threads();
            }
            PeerProcess.Step step = peer.step(v.method().label(), v.threads(),
                round % DISTINCT_BATCHES);
            if (timed) {
              peerSamples.add(new PeerSample(v, timedRound, step));
            }
            continue;
          }
          Variant v = variants.get(e);
          BenchCase c = cases.get(v.method().label());
          if (threadsNow.use(v.threads())) {
            c.step(data.batch(round));
          }
          ProcStats.Cpu before = ProcStats.cpu();
          long syncsBefore = DeviceSyncs.count();
          TrainingStep.Timing time = c.step(data.batch(round));
          ProcStats.Cpu used = ProcStats.cpu().minus(before);
          syncsPerStep.put(v.method().label(), DeviceSyncs.count() - syncsBefore);
          if (timed) {
            samples.add(new Sample(v, timedRound, i, time, used));
          }
        }
        log.printf(Locale.ROOT, "[bench] %s round %d/%d done in %.1f s%n",
            timed ? "timed" : "warm-up", timed ? timedRound + 1 : round + 1,
            timed ? options.repeats() : options.warmup(), (System.nanoTime() - roundStart) / 1e9);
      }
      for (Variant v : variants) {
        if (products.containsKey(v.label())) {
          gemmFloorMs.put(v.label(), gemmFloors.get(v.threads()).floorMs(
              products.get(v.label())));
        }
      }
    } finally {
      gemmFloors.values().forEach(GemmFloor::close);
    }
    JniUtils.setNumThreads(threadCounts.get(0));
    env.put("device_syncs_per_step", syncsPerStep.toString());
    log.println("[bench] device read-backs per step (GPU synchronisations): " + syncsPerStep);

    Map<String, Map<String, Object>> memory = new LinkedHashMap<>();
    if (options.memory() && options.device().isGpu()) {
      log.println("[bench] memory probes left out: they measure host memory of CPU steps");
    } else if (options.memory()) {
      Path errors = options.out().resolve("memory-probes.log");
      for (BenchMethod m : options.methods()) {
        long t0 = System.nanoTime();
        Map<String, Object> probe = MemoryProbe.runChild(m.label(), options.backbone(),
            options.batchSize(), options.maxLen(), options.imageSize(), options.memorySteps(),
            threadCounts.get(0), 600, errors);
        memory.put(m.label(), probe);
        log.printf(Locale.ROOT, "[bench] memory %s: %s (%.1f s)%n", m.label(), probe,
            (System.nanoTime() - t0) / 1e9);
      }
    }

    Map<String, ArtifactSizes> artifacts = new LinkedHashMap<>();
    for (BenchMethod m : options.methods()) {
      BenchCase c = cases.get(m.label());
      if (options.artifacts()) {
        Path dir = options.out().resolve("artifacts").resolve(m.label());
        ArtifactSizes sizes = ArtifactSizes.save(c, dir, data.labelNames());
        artifacts.put(m.label(), sizes);
        if (!options.keepArtifacts()) {
          deleteTree(dir.resolve("merged"));
        }
        log.printf(Locale.ROOT, "[bench] artefacts %s: merged %d B, increments %d B%n",
            m.label(), sizes.mergedBytes(), sizes.incrementBytes());
      }
      c.close();
    }
    return new Result(options, data, variants, samples, peerSamples, peerVersions, matmulNanos,
        calibration, gemmFloorMs, memory, artifacts, trainable, optimizerBytes, env,
        (System.nanoTime() - start) / 1e9, startedAt);
  }

  /** The matrix products of each variant's step, with their shapes ({@link StepProducts}). */
  private Map<String, List<Product>> stepProducts(List<Variant> variants, BenchData data) {
    Map<String, List<Product>> products = new LinkedHashMap<>();
    for (Variant v : variants) {
      products.put(v.label(), StepProducts.of(v.method().spec(), options.batchSize(),
          data.effectiveLen(), data.labelNames().size()));
    }
    return products;
  }

  /** The peer child process for these variants' methods, or null when no peer is wanted. */
  private PeerProcess startPeer(List<Variant> peerVariants) {
    if (options.peerCommand() == null) {
      return null;
    }
    List<String> methods = peerVariants.stream().map(v -> v.method().label()).distinct()
        .toList();
    log.println("[bench] starting the peer " + options.peerCommand() + " for " + methods
        + " (building its venv on first use)");
    Path peerLog = options.out().resolve("peer.log");
    if (options.backbone().equals(BenchOptions.VISION_PEER_BACKBONE)) {
      return PeerProcess.vision(options.peerCommand(), methods, options.batchSize(),
          options.imageSize(), peerLog, options.peerAllocator());
    }
    return new PeerProcess(options.peerCommand(), methods, options.batchSize(),
        options.maxLen(), peerLog, options.peerAllocator());
  }

  /** Square matmul rates, and a text encoder's own Linear shape at {@code len} tokens (> 0). */
  private Map<String, Double> calibrate(int len) {
    Map<String, Double> rates = new LinkedHashMap<>();
    try (MatmulRate m = new MatmulRate(1024)) {
      rates.put("square_1024", m.gflops(3, 10));
    }
    try (MatmulRate m = new MatmulRate(2048)) {
      rates.put("square_2048", m.gflops(2, 6));
    }
    if (len > 0) {
      BertConfig c = Backbones.text(options.backbone()).config();
      rates.put("linear_" + options.batchSize() * len + "x" + c.hidden() + "x"
              + c.intermediate(),
          MatmulRate.linearGflops(options.batchSize() * len, c.hidden(), c.intermediate(), 3,
              10));
    }
    return rates;
  }

  private static Map<String, String> environment(int engineThreads) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("torch_threads_engine", Integer.toString(engineThreads));
    env.put("torch_interop_threads", Integer.toString(JniUtils.getNumInteropThreads()));
    env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    for (String key : List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
        "MALLOC_ARENA_MAX", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES", "LD_PRELOAD", "OMP_NUM_THREADS",
        "MKL_NUM_THREADS")) {
      String value = System.getenv(key);
      if (value != null) {
        env.put(key, value);
      }
    }
    Map<String, String> provenance = Provenance.of(Device.cpu());
    for (String key : List.of("pytorch_version", "djl_version", "java_version",
        "slicelab_version", "host")) {
      env.put(key, provenance.get(key));
    }
    try {
      env.put("load_average", Files.readString(Path.of("/proc/loadavg")).trim());
    } catch (IOException e) {
      env.put("load_average", "unknown");
    }
    return env;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
