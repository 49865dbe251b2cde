package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.train.Autograd;

/** The bench changes torch's thread count only when it differs, and says when it did. */
class TorchThreadsTest {
  @Test
  void setsTheCountOnlyOnAChangeAndReportsTheChange() {
    Autograd.ensureEngine();
    int before = JniUtils.getNumThreads();
    try {
      TorchThreads threads = new TorchThreads();
      assertTrue(threads.use(1), "the first use sets the count");
      assertEquals(1, JniUtils.getNumThreads());
      assertFalse(threads.use(1), "the same count again: nothing to settle");
      assertTrue(threads.use(2));
      assertEquals(2, JniUtils.getNumThreads());
      JniUtils.setNumThreads(1); // behind its back: the bench never does this
      assertFalse(threads.use(2), "it trusts its own record, so no call and no settling step");
    } finally {
      JniUtils.setNumThreads(before);
    }
  }
}
