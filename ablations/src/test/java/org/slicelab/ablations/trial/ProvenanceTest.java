package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.train.Autograd;

class ProvenanceTest {

  @Test
  void recordsDeviceVersionsAndMachine() {
    Autograd.ensureEngine();
    Map<String, String> p = Provenance.of(Device.cpu());
    assertEquals(List.of("device", "slicelab_version", "djl_version", "pytorch_version",
        "java_version", "os_arch", "host", "gpu_model", "gpu_driver_version", "cuda_version"),
        List.copyOf(p.keySet()));
    assertEquals("cpu()", p.get("device"));
    assertEquals(TrialRunner.VERSION, p.get("slicelab_version"));
    assertEquals("0.32.0", p.get("djl_version"));
    assertEquals("2.5.1", p.get("pytorch_version"));
    assertEquals(System.getProperty("java.version"), p.get("java_version"));
    assertFalse(p.get("host").isBlank());
    for (String gpuKey : List.of("gpu_model", "gpu_driver_version", "cuda_version")) {
      assertEquals("", p.get(gpuKey), gpuKey + " is empty on the CPU");
    }
  }

  @Test
  void aGpuTrialNamesItsGpuAsTheDriverReportsIt() {
    List<GpuInfo> gpus = GpuInfo.parse("0, NVIDIA A100-SXM4-40GB, 550.54.15\n"
        + "1, NVIDIA A100-SXM4-40GB, 550.54.15\n\nNVIDIA-SMI has failed because ...\n");
    assertEquals(List.of(new GpuInfo(0, "NVIDIA A100-SXM4-40GB", "550.54.15"),
        new GpuInfo(1, "NVIDIA A100-SXM4-40GB", "550.54.15")), gpus);
    // no nvidia-smi on this machine: a GPU row says so instead of looking like a CPU row
    assertTrue(GpuInfo.list().isEmpty(), "this test machine has no GPU: " + GpuInfo.list());
    Map<String, String> p = Provenance.of(Device.gpu(0));
    assertEquals("gpu(0)", p.get("device"));
    assertEquals(GpuInfo.UNKNOWN, p.get("gpu_model"));
    assertEquals(GpuInfo.UNKNOWN, p.get("gpu_driver_version"));
  }
}
