package org.slicelab.spark.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Trial ids are a contract across versions: results directories written by older versions must
 * resume without rerunning anything. The fixture pins the 147 trials of the grids shipped on
 * 2026-11-30 (see the README beside it).
 */
class TrialIdStabilityTest {

  private static final Path PINS = pins();

  private record Pin(String grid, String trialId, String specJson) {
  }

  private static Path pins() {
    try {
      return Path.of(TrialIdStabilityTest.class.getResource("/id-pins/2026-11-30/trial-ids.tsv")
          .toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Pin> pinned() throws IOException {
    List<Pin> out = new ArrayList<>();
    for (String line : Files.readAllLines(PINS.resolve("trial-ids.tsv"))) {
      String[] cols = line.split("\t", 3);
      out.add(new Pin(cols[0], cols[1], cols[2]));
    }
    return out;
  }

  @Test
  void resultRowsOfOldVersionsKeepTheirIds() throws IOException {
    List<Pin> pins = pinned();
    assertEquals(147, pins.size());
    for (Pin pin : pins) {
      TrialSpec spec = TrialSpec.fromJson(pin.specJson());
      assertEquals(pin.specJson(), spec.toJson(), "canonical form changed for " + pin.grid());
      assertEquals(pin.trialId(), spec.trialId(), "trial id changed for " + pin.specJson());
    }
  }

  @Test
  void gridFilesOfOldVersionsExpandToTheSameTrials() throws IOException {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    for (Pin pin : pinned()) {
      expected.computeIfAbsent(pin.grid(), g -> new ArrayList<>()).add(pin.trialId());
    }
    for (Map.Entry<String, List<String>> grid : expected.entrySet()) {
      List<String> ids = GridLoader.load(PINS.resolve(grid.getKey())).trials().stream()
          .map(PlannedTrial::trialId).toList();
      assertEquals(grid.getValue(), ids, "trials of " + grid.getKey());
    }
  }

  @Test
  void laterFieldsStayOutOfTheIdWhileNeutral() throws IOException {
    TrialSpec base = TrialSpec.builder().method("slicefine").rank(5).build();
    for (Map.Entry<String, Object> later : TrialSpec.ADDED_LATER.entrySet()) {
      assertTrue(base.toMap().containsKey(later.getKey()), later.getKey() + " is not a field");
      TrialSpec neutral = base.toBuilder().set(later.getKey(), later.getValue()).build();
      assertEquals(base.trialId(), neutral.trialId(), later.getKey() + " at its neutral value");
      assertTrue(!neutral.toJson().contains("\"" + later.getKey() + "\""), later.getKey());
    }
    // Every field that existed on 2026-11-30 is part of the canonical form, later ones are not.
    TrialSpec fromOldJson = TrialSpec.fromJson(base.toJson());
    assertEquals(base.trialId(), fromOldJson.trialId());
    assertNotEquals(base.trialId(), base.toBuilder().seed(2).build().trialId());
    assertEquals(TrialSpec.fieldNames().size() - TrialSpec.ADDED_LATER.size(),
        countKeys(base.toJson()));
  }

  private static int countKeys(String json) {
    try {
      return new ObjectMapper().readTree(json).size();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
