package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry: one {@link MethodType} per method, and what is derived from it. */
class MethodsTest {

  @Test
  void registersEveryMethodOnceWithItsDefaultLearningRate() {
    assertEquals(List.of("head", "full", "slicefine", "sift", "lora"), Methods.names());
    assertEquals("head 5e-3, full 5e-5, slicefine 5e-3, sift 5e-3, lora 2e-3",
        Methods.defaultLrSummary());
    assertEquals(FullFineTuning.DEFAULT_LR, Methods.defaultLr("full"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Methods.get("prefix"));
    assertEquals("trial option 'method' = prefix is invalid: must be one of [head, full, "
        + "slicefine, sift, lora]", e.getMessage());
  }

  @Test
  void sharedOptionsAreDeclaredOnce() {
    Map<String, ?> options = Methods.options();
    assertTrue(options.keySet().containsAll(List.of("rank", "targets", "position", "mode",
        "move_steps", "bias", "head", "selector", "calib_size", "lth_sparsity", "lth_rounds",
        "lora_alpha", "sift_rate")), options.keySet().toString());
    assertEquals(13, options.size());
    assertTrue(options.get("rank") == MethodOptions.RANK);
  }

  @Test
  void benchLabelsParseIntoOptions() {
    assertEquals(Map.of("rank", 5, "mode", "column"),
        SliceFine.TYPE.benchLabel().parse("slicefine_r5_column"));
    assertEquals(Map.of("rank", 8), Lora.TYPE.benchLabel().parse("lora_r8"));
    assertEquals(0.008, (Double) Sift.TYPE.benchLabel().parse("sift_0.8pct").get("sift_rate"),
        1e-12);
    assertNotNull(HeadOnly.TYPE.benchLabel().parse("head"));
    assertNull(HeadOnly.TYPE.benchLabel().parse("heads"));
    assertNull(SliceFine.TYPE.benchLabel().parse("slicefine_r5"));
  }
}
