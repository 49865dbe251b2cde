package org.slicelab.ablations.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.model.Architecture;

class PremisesSettingsTest {

  private static Architecture encoder() {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    shapes.put("encoder.layer.0.attention.self.query", new int[] {16, 16});
    shapes.put("encoder.layer.0.intermediate.dense", new int[] {32, 16});
    shapes.put("encoder.layer.0.output.dense", new int[] {16, 32});
    return Architecture.ofLinears(shapes, 16);
  }

  @Test
  void theDefaultsSelectEveryWeightLayer() {
    assertEquals(3, PremisesSettings.defaults().check(encoder()).size());
    assertEquals(1, new PremisesSettings("output.dense", List.of(1), 4, 0, 5).check(encoder())
        .size());
  }

  @Test
  void anUnknownLayerPatternIsRefusedBeforeAnyWork() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PremisesSettings("attention.nonsense", List.of(1), 4, 0, 5).check(encoder()));
    assertTrue(e.getMessage().contains("'targets'") && e.getMessage().contains("nonsense"),
        e.getMessage());
  }

  @Test
  void aRankLargerThanEveryTargetedMatrixIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PremisesSettings(PremisesSettings.defaults().targets(), List.of(1, 33), 4, 0,
            5).check(encoder()));
    assertTrue(e.getMessage().contains("'ranks' value 33") && e.getMessage().contains("32"),
        e.getMessage());
    // 17 exceeds the query's 16 units but fits the feed-forward Linears: those cases run
    assertEquals(3, new PremisesSettings(PremisesSettings.defaults().targets(), List.of(17), 4,
        0, 5).check(encoder()).size());
    assertThrows(IllegalArgumentException.class,
        () -> new PremisesSettings("all", List.of(0), 4, 0, 5));
    assertThrows(IllegalArgumentException.class,
        () -> new PremisesSettings("all", List.of(1), 4, 0, 0));
  }

  @Test
  void verdictsAndCurvePoints() {
    assertEquals("less balanced", PremisesRun.verdict(0.97, 0.5));
    assertEquals("more balanced", PremisesRun.verdict(0.01, 0.05));
    assertEquals("as the null", PremisesRun.verdict(0.5, 0.02));
    assertEquals(List.of(1, 2, 4, 8, 16, 32, 64, 128, 256, 384), PremisesRun.curvePoints(384));
    assertEquals(List.of(1), PremisesRun.curvePoints(1));
  }
}
