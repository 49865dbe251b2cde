package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.Backbones;

/** The benchmark's device: the CPU unless asked, and no CPU peer next to GPU steps. */
class BenchDeviceTest {
  private static final List<BenchMethod> HEAD = List.of(BenchMethod.parse("head", 4, 16));

  @Test
  void optionsWithoutADeviceRunOnTheCpu() {
    BenchOptions options = new BenchOptions(Backbones.DEFAULT, HEAD, 4, 16, 96, 1, 0,
        Path.of("out"), List.of(), false, 1, false, false, 64, null, null);
    assertEquals(Device.cpu(), options.device());
  }

  @Test
  void aPeerNextToGpuStepsIsRefusedNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new BenchOptions(Backbones.DEFAULT, HEAD, 4, 16, 96, 1, 0, Path.of("out"),
            List.of(), false, 1, false, false, 64, Path.of("bin/slicelab-peer-bench"), null,
            Device.gpu(0)));
    assertTrue(e.getMessage().startsWith("option '--peer'")
        && e.getMessage().contains("--device cpu"), e.getMessage());
  }
}
