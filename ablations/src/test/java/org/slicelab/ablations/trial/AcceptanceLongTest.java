package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The issues' acceptance numbers on the real task (train 200, 4 epochs, seed 1, length 128).
 * Long: about 10-20 minutes on 2 cores; run with {@code bin/slicelab-test -Plong}.
 */
@Tag("long")
class AcceptanceLongTest {
  private final TrialRunner runner = new TrialRunner();

  private double testAccuracy(TrialSpec.Builder builder) {
    TrialResult result = runner.run(builder.trainSize(200).epochs(4).seed(1).build());
    assertEquals(TrialStatus.OK, result.status(), result.error());
    System.err.println(result.toSummaryJson());
    return result.metric("test_acc");
  }

  @Test
  void pretrainedFullFineTuningBeatsTheProbeAndTheRandomControl() {
    double full = testAccuracy(TrialSpec.builder().method("full"));
    double head = testAccuracy(TrialSpec.builder().method("head"));
    double random = testAccuracy(TrialSpec.builder().method("full").init("random"));
    assertTrue(full >= 0.93, "full " + full);
    assertTrue(head >= 0.80, "head " + head);
    assertTrue(random < full - 0.03, "random init " + random + " vs full " + full);
  }

  @Test
  void slicesAndSiftReachTheTarget() {
    double slices = testAccuracy(TrialSpec.builder().method("slicefine").rank(8)
        .mode("alternate").moveSteps(10));
    double sift = testAccuracy(TrialSpec.builder().method("sift").siftRate(0.01));
    assertTrue(slices >= 0.93, "slicefine " + slices);
    assertTrue(sift >= 0.93, "sift " + sift);
  }
}
