package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.VisionBackbone;
import org.slicelab.ablations.bench.BenchMethod;
import org.slicelab.ablations.bench.BenchOptions;
import org.slicelab.ablations.bench.BenchReport;
import org.slicelab.ablations.bench.BenchRunner;
import org.slicelab.ablations.bench.PeerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slicelab bench}: training speed, memory, artefact size and FLOP efficiency of the
 * fine-tuning methods side by side, interleaved in this JVM (see {@link BenchRunner}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark training steps of head, full, SliceFine, SIFT and LoRA on the "
        + "MiniLM backbone (or --backbone, text or image) with identical real batches "
        + "(SpamAssassin texts, or Fashion-MNIST images at --image-size), interleaved "
        + "round-robin in one process; peak memory per method in child JVMs; artefact sizes; "
        + "FLOP counts against the matmul rate measured in-process.",
        "Writes bench_methods/bench_steps/bench_machine.parquet, bench.md and bench.json into "
            + "--out; logs on stderr; prints one JSON line with ratios and matmul_fraction."})
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--methods", paramLabel = "LIST",
      description = "comma-separated: head, full, slicefine_r<k>_<row|column>, sift_<x>pct, "
          + "lora_r<k> (default: head, full, slicefine_r{1,5,8}_{row,column}, sift_1pct, "
          + "lora_r8, less those that do not fit the backbone, e.g. column slices wider than "
          + "an image network's 3 input channels)")
  private String methods;

  @Option(names = "--backbone", paramLabel = "NAME", defaultValue = Backbones.DEFAULT,
      description = "backbone every method trains: a built-in name or a Hugging Face checkpoint "
          + "directory, as the trial option --backbone (default: ${DEFAULT-VALUE})")
  private String backbone;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "16",
      description = "examples per step (default: ${DEFAULT-VALUE})")
  private int batchSize;

  @Option(names = "--max-len", paramLabel = "L", defaultValue = "128",
      description = "sequence length of a text backbone's batches; they are chosen to reach it "
          + "(default: ${DEFAULT-VALUE})")
  private int maxLen;

  @Option(names = "--image-size", paramLabel = "S", defaultValue = "96",
      description = "image side in pixels for an image backbone's batches (Fashion-MNIST "
          + "training images, as the trial option image_size; default: ${DEFAULT-VALUE})")
  private int imageSize;

  @Option(names = "--repeats", paramLabel = "K", defaultValue = "10",
      description = "timed rounds, one step of every method each (default: ${DEFAULT-VALUE})")
  private int repeats;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "3",
      description = "untimed rounds first (default: ${DEFAULT-VALUE})")
  private int warmup;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
      description = "output directory (default: ${DEFAULT-VALUE})")
  private Path out;

  @Option(names = "--torch-threads", paramLabel = "N[,N...]", split = ",",
      description = "torch intra-op threads; several values are interleaved and compared, the "
          + "first is used for ratios and targets (default: the engine's setting)")
  private List<Integer> threads = new ArrayList<>();

  @Option(names = "--no-memory", negatable = false,
      description = "skip the per-method peak-memory probes (child JVMs)")
  private boolean noMemory;

  @Option(names = "--memory-steps", paramLabel = "N", defaultValue = "2",
      description = "training steps per memory probe (default: ${DEFAULT-VALUE})")
  private int memorySteps;

  @Option(names = "--no-artifacts", negatable = false,
      description = "skip saving and sizing the artefacts")
  private boolean noArtifacts;

  @Option(names = "--keep-artifacts",
      description = "keep the merged models under DIR/artifacts (default: sized, then deleted)")
  private boolean keepArtifacts;

  @Option(names = "--matmul-size", paramLabel = "N", defaultValue = "2048",
      description = "square matmul size for the machine's rate (default: ${DEFAULT-VALUE})")
  private int matmulSize;

  @Option(names = "--peer", negatable = false,
      description = "also time the peer (Hugging Face transformers + PEFT, bin/peer_bench.py; "
          + "for --backbone mobilenet-v2 torchvision + PEFT, bin/peer_bench_vision.py) on "
          + "the same shapes, its steps interleaved with SliceLab's in every round, and report "
          + "paired SliceLab/peer ratios; needs Python and the wheels "
          + "bin/slicelab-peer-bench builds its venv from")
  private boolean peer;

  @Option(names = "--peer-command", paramLabel = "PATH",
      description = "the peer launcher (default: bin/slicelab-peer-bench of this installation)")
  private Path peerCommand;

  @Option(names = "--peer-allocator", paramLabel = "NAME",
      description = "the peer's C allocator: PYTHON (glibc, as a Python user runs it) or "
          + "SLICELAB (SliceLab's: tcmalloc, release rate 0), either case (default: "
          + "${DEFAULT-VALUE})")
  private PeerProcess.Allocator peerAllocator = PeerProcess.Allocator.PYTHON;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = DeviceOption.AUTO,
      description = DeviceOption.HELP + "; on a GPU the memory probes, the GEMM floor and the "
          + "peer (CPU measures) are left out")
  private String device;

  @Override
  public Integer call() {
    BenchRunner.preloadClasses();
    String canonicalBackbone;
    try {
      canonicalBackbone = Backbones.canonical(backbone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace("trial option 'backbone'",
          "option '--backbone'"), e);
    }
    checkImageSize(canonicalBackbone);
    List<BenchMethod> chosen;
    if (methods == null) {
      BenchMethod.Standard standard = BenchMethod.standard(batchSize, maxLen, imageSize,
          canonicalBackbone);
      standard.omitted().forEach((label, why) -> System.err.println("[bench] " + label
          + " left out: it does not fit " + canonicalBackbone + " (" + why + ")"));
      chosen = standard.methods();
    } else {
      chosen = BenchMethod.parseList(methods, batchSize, maxLen, imageSize, canonicalBackbone);
    }
    BenchOptions options = new BenchOptions(canonicalBackbone, chosen, batchSize, maxLen,
        imageSize, repeats, warmup, out, threads, !noMemory, memorySteps, !noArtifacts,
        keepArtifacts, matmulSize, peer || peerCommand != null ? peerLauncher() : null,
        peerAllocator, DeviceOption.parse(device));
    System.err.println("[bench] methods " + options.methods().stream()
        .map(BenchMethod::label).toList() + ", out " + out.toAbsolutePath());
    BenchReport report = new BenchReport(new BenchRunner(options, System.err).run());
    report.write();
    System.err.print(report.markdown());
    System.out.println(JsonLine.of(report.summary()));
    return 0;
  }

  /** An image backbone's minimum input size, checked before any work (names the option). */
  private void checkImageSize(String backbone) {
    if (Backbones.get(backbone) instanceof VisionBackbone vision) {
      try {
        vision.input(imageSize);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().replace("trial option 'image_size'",
            "option '--image-size'"), e);
      }
    }
  }

  private Path peerLauncher() {
    if (peerCommand != null) {
      return peerCommand;
    }
    String home = System.getProperty("slicelab.home");
    if (home == null) {
      throw new IllegalArgumentException("option '--peer' needs --peer-command PATH when not"
          + " started through bin/slicelab");
    }
    return Path.of(home, "bin", "slicelab-peer-bench");
  }
}
