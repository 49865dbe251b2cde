package org.slicelab.spark.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slicelab.ablations.trial.Provenance;

/**
 * The {@code --device} option of {@code trial} and {@code bench}: {@code auto} (the default: the
 * first GPU when the PyTorch engine sees one, else the CPU), {@code cpu}, {@code gpu} or
 * {@code gpu:N}. A GPU asked for by name must be one the engine sees, checked before any work so
 * that a machine without one gets one clear line.
 */
final class DeviceOption {
  /** The default value. */
  static final String AUTO = "auto";
  /** The option's help line. */
  static final String HELP = "auto (the first GPU when the PyTorch engine sees one, else the "
      + "CPU), cpu, gpu (the first GPU) or gpu:N (default: ${DEFAULT-VALUE})";

  private DeviceOption() {
  }

  /** The device {@code value} names ({@link IllegalArgumentException} naming the option). */
  static Device parse(String value) {
    if (value.equals("cpu")) {
      return Device.cpu();
    }
    if (value.equals(AUTO)) {
      return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (!value.matches("gpu(:\\d+)?")) {
      throw new IllegalArgumentException("option '--device' = " + value
          + " is invalid: must be auto, cpu, gpu or gpu:N");
    }
    int index = value.equals("gpu") ? 0 : Integer.parseInt(value.substring(4));
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    if (visible == 0) {
      throw new IllegalArgumentException("option '--device' = " + value + ": the PyTorch "
          + "engine sees no GPU on " + Provenance.host() + " (CPU-only natives, or no usable "
          + "CUDA driver; build with the Maven profile -Pgpu for the CUDA natives); use "
          + "--device cpu");
    }
    if (index >= visible) {
      throw new IllegalArgumentException("option '--device' = " + value + " is invalid: "
          + visible + " GPU(s) visible, gpu:0 to gpu:" + (visible - 1));
    }
    return Device.gpu(index);
  }
}
