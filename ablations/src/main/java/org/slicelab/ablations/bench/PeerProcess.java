package org.slicelab.ablations.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The peer benchmark (Hugging Face transformers + PEFT, {@code bin/peer_bench.py}; for
 * MobileNetV2 torchvision + PEFT, {@code bin/peer_bench_vision.py}) as a child process driven one
 * step at a time, so that its steps interleave with SliceLab's in the same
 * rounds. Protocol: the child prints one JSON line {@code {"ready": true, "versions": ...}}, then
 * answers each request line {@code {"method": M, "threads": T, "batch": B}} with one JSON line of
 * step timings; an empty line ends it. Only methods the peer has an equivalent of take part.
 * The child gets SliceLab's environment, by default minus its allocator settings (see
 * {@link #isAllocatorSetting} and {@link Allocator}).
 */
public final class PeerProcess implements AutoCloseable {
  private static final Pattern SUPPORTED =
      Pattern.compile("head|full|lora_r\\d+|slicefine_r\\d+_(row|column)");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The C allocator the peer runs with. */
  public enum Allocator {
    /** Python's default (glibc malloc): the peer as a Python user runs it. */
    PYTHON,
    /** SliceLab's settings (tcmalloc preloaded, its release rate): the peer at its fastest. */
    SLICELAB
  }

  private final Process process;
  private final BufferedReader out;
  private final BufferedWriter in;
  private final Map<String, String> versions = new LinkedHashMap<>();

  /**
   * One peer step.
   *
   * @param stepMs whole step
   * @param forwardMs forward and loss
   * @param backwardMs backward
   * @param optimizerMs clipping, AdamW, zero_grad
   * @param minorFaults minor page faults of the peer process during the step
   * @param systemCpuMs kernel CPU time of the peer process during the step
   * @param userCpuMs user CPU time of the peer process during the step
   */
  public record Step(double stepMs, double forwardMs, double backwardMs, double optimizerMs,
      long minorFaults, double systemCpuMs, double userCpuMs) {
  }

  /**
   * Whether an environment variable tunes or replaces the C allocator ({@code LD_PRELOAD},
   * {@code MALLOC_*} of glibc and jemalloc, {@code TCMALLOC_*}, {@code GLIBC_TUNABLES}).
   * SliceLab's launcher sets these for itself; the peer does not inherit them, so it runs with
   * the allocator a Python user gets by default.
   */
  static boolean isAllocatorSetting(String name) {
    return name.equals("LD_PRELOAD") || name.startsWith("MALLOC_")
        || name.startsWith("TCMALLOC_") || name.equals("GLIBC_TUNABLES");
  }

  /** Whether the peer has an equivalent of this bench method label. */
  public static boolean supports(String label) {
    return SUPPORTED.matcher(label).matches();
  }

  /** The labels among {@code labels} the peer can run, in order. */
  public static List<String> supported(List<String> labels) {
    return labels.stream().filter(PeerProcess::supports).toList();
  }

  /**
   * Starts {@code command} (normally {@code bin/slicelab-peer-bench}) for {@code methods} at
   * this text batch shape and waits until it has built its models; its stderr goes to
   * {@code log}.
   */
  public PeerProcess(Path command, List<String> methods, int batchSize, int maxLen, Path log,
      Allocator allocator) {
    this(command, List.of(), methods, List.of("--batch-size", Integer.toString(batchSize),
        "--max-len", Integer.toString(maxLen)), log, allocator);
  }

  /**
   * The vision peer ({@code bin/slicelab-peer-bench --vision}, torchvision's MobileNetV2) for
   * {@code methods} on batches of {@code batchSize} images of {@code imageSize} pixels, in
   * channels-last memory order: faster for every method than PyTorch's default NCHW order on
   * this CPU (docs/benchmarks.md), so the peer runs as a careful user would run it.
   */
  public static PeerProcess vision(Path command, List<String> methods, int batchSize,
      int imageSize, Path log, Allocator allocator) {
    return new PeerProcess(command, List.of("--vision"), methods, List.of("--batch-size",
        Integer.toString(batchSize), "--image-size", Integer.toString(imageSize),
        "--channels-last"), log, allocator);
  }

  /**
   * Starts {@code command} with {@code peerArgs} (which peer), then {@code --serve}, the
   * methods and {@code shapeArgs} (the batch shape), and waits until it has built its models;
   * its stderr goes to {@code log}.
   */
  private PeerProcess(Path command, List<String> peerArgs, List<String> methods,
      List<String> shapeArgs, Path log, Allocator allocator) {
    if (!Files.isExecutable(command)) {
      throw new IllegalArgumentException("option '--peer-command' = " + command
          + " is not an executable file (expected bin/slicelab-peer-bench)");
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("option '--peer': none of the methods has a peer"
          + " equivalent (head, full, lora_r<k>, slicefine_r<k>_row|column)");
    }
    List<String> cmd = new ArrayList<>(List.of(command.toString()));
    cmd.addAll(peerArgs);
    cmd.addAll(List.of("--serve", "--methods", String.join(",", methods)));
    cmd.addAll(shapeArgs);
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(log.toFile());
    if (allocator != Allocator.SLICELAB) {
      builder.environment().keySet().removeIf(PeerProcess::isAllocatorSetting);
    }
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the peer " + command, e);
    }
    out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(),
        StandardCharsets.UTF_8));
    JsonNode ready = readLine("start-up (see " + log + ")");
    if (!ready.path("ready").asBoolean(false)) {
      throw new IllegalStateException("the peer did not report ready: " + ready);
    }
    ready.path("versions").fields().forEachRemaining(e -> versions.put(e.getKey(),
        e.getValue().asText()));
  }

  /** Versions the peer reported (python, torch, transformers, peft). */
  public Map<String, String> versions() {
    return Map.copyOf(versions);
  }

  /** Runs one peer training step of {@code method} with {@code threads} torch threads. */
  public Step step(String method, int threads, int batch) {
    try {
      in.write(JSON.writeValueAsString(Map.of("method", method, "threads", threads,
          "batch", batch)));
      in.newLine();
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the peer stopped accepting requests", e);
    }
    JsonNode r = readLine(method + " step");
    return new Step(r.path("ms").asDouble(), r.path("forward_ms").asDouble(),
        r.path("backward_ms").asDouble(), r.path("optimizer_ms").asDouble(),
        r.path("minor_faults").asLong(), r.path("sys_cpu_ms").asDouble(),
        r.path("user_cpu_ms").asDouble());
  }

  private JsonNode readLine(String what) {
    try {
      String line = out.readLine();
      if (line == null) {
        throw new IllegalStateException("the peer exited during " + what);
      }
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the peer's answer to " + what, e);
    }
  }

  /** Ends the child (empty request line, then a bounded wait, then a kill). */
  @Override
  public void close() {
    try {
      in.newLine();
      in.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
