package org.slicelab.ablations.bench;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.slicelab.ablations.backbone.Backbones;

/**
 * What {@code slicelab bench} runs.
 *
 * @param backbone the canonical {@code backbone} value every method trains (see
 *     {@link Backbones}); the peer exists for the default backbone (Hugging Face transformers)
 *     and for {@value #VISION_PEER_BACKBONE} (torchvision) only
 * @param methods the configurations, in table order
 * @param batchSize examples per step
 * @param maxLen sequence length of text batches (every batch is built to reach it, see
 *     {@link BenchData})
 * @param imageSize side of image batches in pixels (image backbones)
 * @param repeats timed rounds; each round runs one step of every method (rotated order)
 * @param warmup untimed rounds first
 * @param out output directory
 * @param threads torch intra-op thread counts to compare (empty = the engine's setting); the
 *     first is the primary one for ratios and targets
 * @param memory measure peak memory in one child JVM per method
 * @param memorySteps training steps each memory probe runs
 * @param artifacts save and size each method's artefacts
 * @param keepArtifacts keep the merged models on disk (else deleted after sizing)
 * @param matmulSize square size of the interleaved matmul rate measurement
 * @param peerCommand the peer benchmark launcher ({@code bin/slicelab-peer-bench}) whose steps
 *     are interleaved with SliceLab's, or null for no peer
 * @param peerAllocator the C allocator the peer runs with
 * @param device where the methods' steps run; on a GPU the host-memory probes and the GEMM floor
 *     (CPU measures) are left out, and so is the peer (a CPU process)
 */
public record BenchOptions(String backbone, List<BenchMethod> methods, int batchSize, int maxLen,
    int imageSize, int repeats, int warmup, Path out, List<Integer> threads, boolean memory, int memorySteps,
    boolean artifacts, boolean keepArtifacts, int matmulSize, Path peerCommand,
    PeerProcess.Allocator peerAllocator, Device device) {

  /** Options for a run on the CPU. */
  public BenchOptions(String backbone, List<BenchMethod> methods, int batchSize, int maxLen,
      int imageSize, int repeats, int warmup, Path out, List<Integer> threads, boolean memory,
      int memorySteps, boolean artifacts, boolean keepArtifacts, int matmulSize,
      Path peerCommand, PeerProcess.Allocator peerAllocator) {
    this(backbone, methods, batchSize, maxLen, imageSize, repeats, warmup, out, threads, memory,
        memorySteps, artifacts, keepArtifacts, matmulSize, peerCommand, peerAllocator,
        Device.cpu());
  }

  /** The image backbone the vision peer (torchvision's {@code mobilenet_v2}) has. */
  public static final String VISION_PEER_BACKBONE = "mobilenet-v2";

  /** Checks ranges; throws {@link IllegalArgumentException} naming the option. */
  public BenchOptions {
    methods = List.copyOf(methods);
    peerAllocator = peerAllocator == null ? PeerProcess.Allocator.PYTHON : peerAllocator;
    device = device == null ? Device.cpu() : device;
    if (peerCommand != null && device.isGpu()) {
      throw new IllegalArgumentException("option '--peer' times a CPU process: its ratios mean "
          + "nothing against steps on " + device + "; drop --peer or use --device cpu");
    }
    threads = List.copyOf(threads);
    if (batchSize < 1) {
      throw new IllegalArgumentException("option '--batch-size' must be >= 1");
    }
    if (maxLen < 8 || maxLen > 512) {
      throw new IllegalArgumentException("option '--max-len' must be in [8, 512]");
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("option '--repeats' must be >= 1");
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("option '--warmup' must be >= 0");
    }
    if (memorySteps < 1) {
      throw new IllegalArgumentException("option '--memory-steps' must be >= 1");
    }
    if (matmulSize < 64) {
      throw new IllegalArgumentException("option '--matmul-size' must be >= 64");
    }
    for (BenchMethod m : methods) {
      if (!m.spec().backbone().equals(backbone)) {
        throw new IllegalArgumentException("option '--backbone' = " + backbone + " but method '"
            + m.label() + "' is built on " + m.spec().backbone());
      }
    }
    if (imageSize < 1) {
      throw new IllegalArgumentException("option '--image-size' must be >= 1");
    }
    if (peerCommand != null && !backbone.equals(Backbones.DEFAULT)
        && !backbone.equals(VISION_PEER_BACKBONE)) {
      throw new IllegalArgumentException("option '--peer' times the peer on the default backbone"
          + " (" + Backbones.DEFAULT + ") or " + VISION_PEER_BACKBONE + " only; drop --peer or"
          + " --backbone " + backbone);
    }
    if (peerCommand != null && PeerProcess.supported(
        methods.stream().map(BenchMethod::label).toList()).isEmpty()) {
      throw new IllegalArgumentException("option '--peer': none of --methods has a peer"
          + " equivalent (head, full, lora_r<k>, slicefine_r<k>_row|column)");
    }
    for (int t : threads) {
      if (t < 1) {
        throw new IllegalArgumentException("option '--torch-threads' values must be >= 1");
      }
    }
  }
}
