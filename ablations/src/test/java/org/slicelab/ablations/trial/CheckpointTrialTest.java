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
  void headMetricsAndLabelMapFollowAThreeClassFile(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("sentence,topic\n");
    String[] topics = {"food", "movie", "phone"};
    String[] words = {"food eating bread", "movie awesome new", "battery phone days"};
    for (int i = 0; i < 60; i++) {
      csv.append(words[i % 3]).append(' ').append(i).append(',').append(topics[i % 3])
          .append('\n');
    }
    Path file = java.nio.file.Files.writeString(dir.resolve("topics.csv"), csv);
    TrialSpec spec = TrialSpec.builder().backbone(tinyBert())
        .dataset(file + "?text=sentence&label=topic").method("slicefine").head("slice").rank(2)
        .trainSize(30).valSize(12).testSize(12).maxLen(16).epochs(3).batchSize(6).lr(5e-2)
        .build();
    TrialValidator.check(spec);
    Path out = dir.resolve("model");
    TrialResult result = new TrialRunner().run(spec, ai.djl.Device.cpu(), out);
    assertEquals(TrialStatus.OK, result.status(), result.error());
    assertTrue(result.metric("test_acc") > 0.34, "learns beyond chance: " + result.metrics());
    assertTrue(result.metric("test_f1") > 0, result.metrics().toString());
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals(3, config.path("num_labels").asInt());
    assertEquals("phone", config.path("id2label").path("2").asText());
    assertEquals(2, config.path("label2id").path("phone").asInt());
    var saved = SafetensorsWriter.read(out.resolve("model.safetensors"));
    assertEquals(3, saved.get("classifier.weight").shape()[0]);
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
