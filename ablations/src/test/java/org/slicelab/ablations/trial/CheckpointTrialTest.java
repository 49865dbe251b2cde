package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.SafetensorsWriter;

/** A trial on a Hugging Face checkpoint directory, its export, and max_len validation. */
class CheckpointTrialTest {

  private static String tinyBert() throws Exception {
    return Path.of(CheckpointTrialTest.class.getResource("/checkpoints/tiny-bert").toURI())
        .toString();
  }

  @Test
  void trialTrainsOnACheckpointAndItsExportIsABackbone(@TempDir Path out) throws Exception {
    TrialSpec spec = TrialSpec.builder().backbone(tinyBert()).method("slicefine").rank(2)
        .trainSize(16).valSize(16).testSize(16).maxLen(16).epochs(1).batchSize(8).build();
    TrialValidator.check(spec);
    TrialResult result = new TrialRunner().run(spec, ai.djl.Device.cpu(), out);
    assertEquals(TrialStatus.OK, result.status(), result.error());
    assertEquals(Backbones.get(spec.backbone()).weightsSha256(),
        result.provenance().get("weights_sha256"));
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals("ham", config.path("id2label").path("0").asText());
    assertEquals("spam", config.path("id2label").path("1").asText());
    Backbone exported = Backbones.get(out.toString());
    var saved = SafetensorsWriter.read(out.resolve("model.safetensors"));
    for (var e : exported.weights().entrySet()) {
      assertEquals(saved.get(e.getKey()), e.getValue(), e.getKey());
    }
    FloatTensor query = saved.get("encoder.layer.0.attention.self.query.weight");
    assertTrue(!query.equals(Backbones.get(spec.backbone()).weights()
        .get("encoder.layer.0.attention.self.query.weight")), "the slice was trained");
  }

  @Test
  void maxLenOverTheModelsMaximumIsRejected() throws Exception {
    TrialSpec spec = TrialSpec.builder().backbone(tinyBert()).maxLen(64).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrialValidator.check(spec));
    assertTrue(e.getMessage().contains("'max_len' = 64") && e.getMessage().contains("32"),
        e.getMessage());
  }
}
