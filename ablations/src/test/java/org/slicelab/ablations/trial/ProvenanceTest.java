package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
        "java_version", "os_arch", "host"), List.copyOf(p.keySet()));
    assertEquals("cpu()", p.get("device"));
    assertEquals(TrialRunner.VERSION, p.get("slicelab_version"));
    assertEquals("0.32.0", p.get("djl_version"));
    assertEquals("2.5.1", p.get("pytorch_version"));
    assertEquals(System.getProperty("java.version"), p.get("java_version"));
    assertFalse(p.get("host").isBlank());
  }
}
