package org.slicelab.ablations.trial;

import org.slicelab.ablations.method.SliceFine;
import org.slicelab.ablations.select.SliceWindow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialSpecTest {

  @Test
  void canonicalJsonIsSortedCompleteAndStable() {
    TrialSpec a = TrialSpec.builder().method("slicefine").rank(4).build();
    TrialSpec b = TrialSpec.fromMap(Map.of("rank", 4, "method", "slicefine"));
    assertEquals(a.toJson(), b.toJson());
    assertEquals(a.trialId(), b.trialId());
    assertEquals(64, a.trialId().length());
    assertTrue(a.toJson().startsWith("{\"backbone\":\"all-minilm-l6-v2\",\"batch_size\":16"));
    assertEquals(a, TrialSpec.fromJson(a.toJson()));
    assertNotEquals(a.trialId(), a.toBuilder().seed(2).build().trialId());
  }

  @Test
  void exitFaultIsANewValueThatLeavesOtherIdsAlone() {
    TrialSpec plain = TrialSpec.builder().method("head").build();
    TrialSpec exits = plain.toBuilder().fault("exit").build();
    assertEquals("exit", TrialSpec.fromJson(exits.toJson()).fault());
    assertNotEquals(plain.trialId(), exits.trialId());
    assertTrue(plain.toJson().contains("\"fault\":\"none\""), "a value, not a new field");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> TrialSpec.builder().fault("segfault").build());
    assertTrue(bad.getMessage().contains("'fault'") && bad.getMessage().contains("exit"),
        bad.getMessage());
  }

  @Test
  void unknownKeysAndWrongTypesNameTheKey() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> TrialSpec.fromMap(Map.of("rnak", 4)));
    assertTrue(unknown.getMessage().contains("'rnak'"), unknown.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> TrialSpec.fromMap(Map.of("rank", "eight")));
    assertTrue(type.getMessage().contains("'rank'") && type.getMessage().contains("integer"),
        type.getMessage());
  }

  @Test
  void positionsResolveAsIndexOrFraction() {
    assertEquals(192, window(TrialSpec.builder().rank(5).position("0.5").build())
        .start(384, "q"));
    assertEquals(379, window(TrialSpec.builder().rank(5).position("0.999").build())
        .start(384, "q"), "a fraction near 1 keeps the window inside");
    assertEquals(40, window(TrialSpec.fromMap(Map.of("position", 40, "rank", 5)))
        .start(384, "q"));
  }

  private static SliceWindow window(TrialSpec spec) {
    return ((SliceFine.Settings) spec.toBuilder().method("slicefine").build().methodSettings())
        .window();
  }
}
