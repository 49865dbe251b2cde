package org.slicelab.ablations.trial;

import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One GPU of this node as the NVIDIA driver reports it ({@code nvidia-smi}), for provenance and
 * the GPU node check. The index is the CUDA ordinal when {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}
 * (SliceLab sets it on executors) and no {@code CUDA_VISIBLE_DEVICES} remaps the devices.
 *
 * @param index the driver's GPU index
 * @param model e.g. {@code NVIDIA A100-SXM4-40GB}
 * @param driverVersion e.g. {@code 550.54.15}
 */
public record GpuInfo(int index, String model, String driverVersion) {
  /** What {@link #of} reports for a GPU the driver tool could not describe. */
  public static final String UNKNOWN = "unknown";

  private static volatile List<GpuInfo> listed;

  /**
   * The GPUs {@code nvidia-smi} lists, read once per JVM; empty when the tool is missing, fails
   * or takes more than 10 s (a CPU node, or a GPU node without the driver's tools).
   */
  public static List<GpuInfo> list() {
    List<GpuInfo> gpus = listed;
    if (gpus == null) {
      gpus = parse(nvidiaSmi());
      listed = gpus;
    }
    return gpus;
  }

  /** GPU {@code index}, or one whose model and driver are {@link #UNKNOWN}. */
  public static GpuInfo of(int index) {
    return list().stream().filter(g -> g.index == index).findFirst()
        .orElse(new GpuInfo(index, UNKNOWN, UNKNOWN));
  }

  /**
   * The CUDA runtime DJL found on this node as {@code major.minor} (e.g. {@code 12.4}), or
   * {@code ""} when it found none.
   */
  public static String cudaRuntimeVersion() {
    try {
      int v = CudaUtils.getCudaVersion();
      return v <= 0 ? "" : v / 1000 + "." + v % 1000 / 10;
    } catch (RuntimeException | LinkageError e) {
      return "";
    }
  }

  /** Parses {@code nvidia-smi --query-gpu=index,name,driver_version --format=csv,noheader}. */
  static List<GpuInfo> parse(String csv) {
    List<GpuInfo> gpus = new ArrayList<>();
    for (String line : csv.split("\\R")) {
      String[] fields = line.split(",");
      if (fields.length != 3) {
        continue;
      }
      try {
        gpus.add(new GpuInfo(Integer.parseInt(fields[0].trim()), fields[1].trim(),
            fields[2].trim()));
      } catch (NumberFormatException e) {
        // a header or a warning line
      }
    }
    return List.copyOf(gpus);
  }

  private static String nvidiaSmi() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,name,driver_version",
          "--format=csv,noheader").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return ""; // no nvidia-smi on this node
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
