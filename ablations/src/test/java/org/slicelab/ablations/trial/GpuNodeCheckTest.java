package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/**
 * The node check's tiny trials are valid specs for every method, and one runs to the end on the
 * CPU (the GPU half cannot run here).
 */
class GpuNodeCheckTest {

  @Test
  void tinyTrialsAreValidAndFinish() {
    for (String method : GpuNodeCheck.METHODS) {
      assertEquals(method, GpuNodeCheck.tinyTrial(method).method());
    }
    TrialResult r = new TrialRunner().run(GpuNodeCheck.tinyTrial("head"), Device.cpu(), null);
    assertEquals(TrialStatus.OK, r.status(), r.error());
  }
}
