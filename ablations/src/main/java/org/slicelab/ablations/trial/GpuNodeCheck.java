package org.slicelab.ablations.trial;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slicelab.ablations.backbone.CudaRuntime;

/**
 * The GPU node check ({@code slicelab gpu-check}): whether the PyTorch natives load, which GPUs
 * the engine and the NVIDIA driver see, then one tiny trial per method on the first GPU and on
 * the CPU with the same seed (accuracy, loss, median step time), and one method twice on the GPU
 * (run-to-run spread: GPU kernels need not be deterministic). The verdict is {@code ok},
 * {@code no_gpu}, {@code engine_failed} or {@code trials_failed}.
 */
public final class GpuNodeCheck {
  /** The methods tried, one tiny trial each per device. */
  public static final List<String> METHODS = List.of("head", "full", "lora", "slicefine",
      "sift");
  /** The method run twice on the GPU. */
  public static final String RERUN_METHOD = "full";

  private GpuNodeCheck() {
  }

  /** A trial small enough to finish in seconds (same seed on every device). */
  static TrialSpec tinyTrial(String method) {
    return TrialSpec.builder().method(method).trainSize(16).valSize(16).testSize(16).maxLen(32)
        .epochs(1).batchSize(8).seed(1).build();
  }

  /** Runs the check; progress to {@code log}; returns the JSON summary's fields. */
  public static Map<String, Object> run(PrintStream log) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("command", "gpu-check");
    out.put("host", Provenance.host());
    Engine engine;
    Optional<Path> bundled = CudaRuntime.exposeBundled();
    out.put("bundled_cuda_runtime", bundled.map(String::valueOf).orElse(""));
    try {
      engine = Engine.getEngine("PyTorch");
      out.put("natives_loaded", true);
      out.put("pytorch_version", engine.getVersion());
      out.put("libtorch_path", LibUtils.getLibtorchPath());
    } catch (RuntimeException | Error e) {
      out.put("natives_loaded", false);
      out.put("engine_error", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      String hint = bundled.isEmpty() ? "" : "; with the CUDA natives DJL looks for a download "
          + "when CUDA shows no GPU: is an NVIDIA driver for CUDA 12.4 (550.54 or newer) "
          + "installed? nvidia-smi lists " + GpuInfo.list().size() + " GPU(s)";
      return verdict(out, "engine_failed", "the PyTorch natives do not load on " + out.get("host")
          + ": " + out.get("engine_error") + hint, log);
    }
    int gpus = engine.getGpuCount();
    out.put("gpus_seen", gpus);
    out.put("cuda_runtime", GpuInfo.cudaRuntimeVersion());
    out.put("nvidia_smi", GpuInfo.list().stream().map(g -> g.index() + ": " + g.model()
        + " (driver " + g.driverVersion() + ")").toList());
    if (gpus == 0) {
      return verdict(out, "no_gpu", "no GPU: the PyTorch engine on " + out.get("host")
          + " sees none (" + (GpuInfo.list().isEmpty() ? "nvidia-smi lists none either"
          : "nvidia-smi lists " + GpuInfo.list().size() + ": CPU-only natives? build with "
          + "SLICELAB_PROFILE=gpu") + ")", log);
    }
    TrialRunner runner = new TrialRunner();
    List<Map<String, Object>> trials = new ArrayList<>();
    boolean allOk = true;
    for (String method : METHODS) {
      for (Device device : List.of(Device.gpu(0), Device.cpu())) {
        Map<String, Object> row = trial(runner, method, device, log);
        allOk &= !device.isGpu() || "ok".equals(row.get("status"));
        trials.add(row);
      }
    }
    out.put("trials", trials);
    Map<String, Object> again = trial(runner, RERUN_METHOD, Device.gpu(0), log);
    Map<String, Object> first = trials.get(2 * METHODS.indexOf(RERUN_METHOD));
    out.put("gpu_rerun", Map.of("method", RERUN_METHOD,
        "test_acc_difference", difference(first, again, "test_acc"),
        "train_loss_difference", difference(first, again, "train_loss")));
    return allOk ? verdict(out, "ok", "GPU trials ran; compare GPU and CPU above", log)
        : verdict(out, "trials_failed", "some GPU trial failed: see trials[].error", log);
  }

  private static Map<String, Object> trial(TrialRunner runner, String method, Device device,
      PrintStream log) {
    TrialResult r = runner.run(tinyTrial(method), device, null);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("method", method);
    row.put("device", device.toString());
    row.put("status", r.status().label());
    for (String metric : List.of("test_acc", "train_loss", "median_step_ms")) {
      row.put(metric, r.metric(metric));
    }
    if (r.error() != null) {
      row.put("error", r.error().lines().findFirst().orElse(""));
    }
    log.println("[gpu-check] " + row);
    return row;
  }

  private static double difference(Map<String, Object> a, Map<String, Object> b, String key) {
    return Math.abs(((Number) a.get(key)).doubleValue() - ((Number) b.get(key)).doubleValue());
  }

  private static Map<String, Object> verdict(Map<String, Object> out, String verdict,
      String message, PrintStream log) {
    out.put("verdict", verdict);
    out.put("message", message);
    log.println("[gpu-check] " + verdict + ": " + message);
    return out;
  }
}
