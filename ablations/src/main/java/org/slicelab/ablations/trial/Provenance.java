package org.slicelab.ablations.trial;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbone;

/**
 * The provenance a result carries, built in one place: where and with what a trial ran
 * (device, SliceLab, DJL and PyTorch versions, Java, OS/arch, host; on a GPU its model, the
 * driver's version and the CUDA runtime's, all three empty on the CPU) and, once the trial has
 * its inputs, which backbone weights and data (checksums, example-id fingerprints).
 */
public final class Provenance {
  /** Key of the SHA-256 of the data set's examples. */
  public static final String DATA_SHA256 = "data_sha256";
  /** Key of the SHA-256 of the backbone's weights. */
  public static final String WEIGHTS_SHA256 = "weights_sha256";
  /** Key of the GPU's model ({@code ""} on the CPU). */
  public static final String GPU_MODEL = "gpu_model";
  /** Key of the NVIDIA driver's version ({@code ""} on the CPU). */
  public static final String GPU_DRIVER_VERSION = "gpu_driver_version";
  /** Key of the CUDA runtime's version, e.g. {@code 12.4} ({@code ""} on the CPU). */
  public static final String CUDA_VERSION = "cuda_version";

  private Provenance() {
  }

  /**
   * Where and with what a trial runs on {@code device}. The DJL and PyTorch versions are left
   * out when the engine cannot be loaded (the row still records the rest).
   */
  public static Map<String, String> of(Device device) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("device", device.toString());
    p.put("slicelab_version", TrialRunner.VERSION);
    try {
      String pytorch = Engine.getEngine("PyTorch").getVersion();
      p.put("djl_version", Engine.getDjlVersion());
      p.put("pytorch_version", pytorch);
    } catch (RuntimeException | Error e) {
      // an engine that fails to load is reported by the trial itself
    }
    p.put("java_version", System.getProperty("java.version"));
    p.put("os_arch", System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
    p.put("host", host());
    boolean gpu = device.isGpu();
    GpuInfo info = gpu ? GpuInfo.of(device.getDeviceId()) : null;
    p.put(GPU_MODEL, gpu ? info.model() : "");
    p.put(GPU_DRIVER_VERSION, gpu ? info.driverVersion() : "");
    p.put(CUDA_VERSION, gpu ? GpuInfo.cudaRuntimeVersion() : "");
    return p;
  }

  /** Adds the checksums of {@code backbone} and {@code data} to {@code provenance}. */
  public static void addInputs(Map<String, String> provenance, Backbone backbone,
      TrialResources.TaskData data) {
    provenance.put(DATA_SHA256, data.dataChecksum());
    provenance.put(WEIGHTS_SHA256, backbone.weightsSha256());
    provenance.putAll(data.fingerprints());
  }

  /** This machine's host name, or {@code unknown}. */
  public static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
