package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.BertConfig;

/** Bad method options fail before training, naming the option. */
class MethodOptionsTest {

  private static void rejects(String option, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().contains("'" + option + "'"), e.getMessage());
  }

  private static void shapes(TrialSpec.Builder builder) {
    TrialValidator.checkShapes(builder.build(), BertConfig.miniLm());
  }

  @Test
  void badOptionsAreRejectedWithTheirName() {
    rejects("rank", () -> TrialSpec.builder().method("slicefine").rank(0).build());
    rejects("rank", () -> shapes(TrialSpec.builder().method("slicefine").rank(400)));
    rejects("rank", () -> shapes(TrialSpec.builder().method("lora").rank(400)));
    rejects("position", () -> shapes(TrialSpec.builder().method("slicefine").rank(8)
        .position("380")));
    rejects("position", () -> TrialSpec.builder().position("-1").build());
    rejects("selector", () -> TrialSpec.builder().selector("wanda:best").build());
    rejects("selector", () -> TrialSpec.builder().selector("magic").build());
    rejects("sift_rate", () -> TrialSpec.builder().siftRate(0).build());
    rejects("sift_rate", () -> TrialSpec.builder().siftRate(1.5).build());
    rejects("method", () -> TrialSpec.builder().method("adapter").build());
    rejects("mode", () -> shapes(TrialSpec.builder().method("slicefine").mode("alternate")));
    rejects("targets", () -> shapes(TrialSpec.builder().method("slicefine").targets("nope")));
    rejects("train_size", () -> TrialSpec.builder().trainSize(-3).build());
  }

  @Test
  void rowSlicesOfTheWideLayersMayStartLater() {
    // intermediate.dense has 1536 rows but 384 columns: row slices fit, column slices do not
    shapes(TrialSpec.builder().method("slicefine").mode("row").rank(8).position("1000")
        .targets("intermediate.dense"));
    rejects("position", () -> shapes(TrialSpec.builder().method("slicefine").mode("column")
        .rank(8).position("1000").targets("intermediate.dense")));
  }
}
