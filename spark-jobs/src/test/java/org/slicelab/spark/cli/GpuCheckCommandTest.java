package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.spark.sweep.SweepTestSupport;

/** {@code slicelab gpu-check} on a machine without a GPU says so plainly and runs no trial. */
class GpuCheckCommandTest {

  @Test
  void aNodeWithoutAGpuGetsAClearNoGpuVerdict() {
    assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("gpu-check");
    assertEquals(SliceLab.EXIT_NOT_ALL_OK, run.exitCode(), run.stderr());
    Map<String, Object> json = run.json();
    assertEquals("no_gpu", json.get("verdict"), json.toString());
    assertEquals(true, json.get("natives_loaded"));
    assertEquals("", json.get("bundled_cuda_runtime"), "the CPU natives bundle no CUDA runtime");
    assertEquals(0, json.get("gpus_seen"));
    assertEquals(List.of(), json.get("nvidia_smi"));
    assertTrue(((String) json.get("message")).startsWith("no GPU: the PyTorch engine on "),
        json.toString());
    assertTrue(run.stderr().contains("[gpu-check] no_gpu: no GPU"), run.stderr());
    assertTrue(!json.containsKey("trials"), "no trial runs without a GPU");
  }
}
