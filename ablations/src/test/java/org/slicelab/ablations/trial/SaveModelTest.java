package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.SafetensorsWriter;

/** --save-model writes the merged model with Hugging Face names and layouts. */
class SaveModelTest {

  @Test
  void savedSliceFineModelIsAPlainBertWithTrainedSlicesMerged(@TempDir Path dir)
      throws Exception {
    TrialSpec spec = TrialSpec.builder().method("slicefine").rank(4).mode("row").position("10")
        .trainSize(16).valSize(16).testSize(16).maxLen(32).epochs(1).batchSize(8).build();
    TrialResult result = new TrialRunner().run(spec, ai.djl.Device.cpu(), dir);
    assertEquals(TrialStatus.OK, result.status(), result.error());
    Map<String, FloatTensor> saved = SafetensorsWriter.read(dir.resolve("model.safetensors"));
    Map<String, FloatTensor> pretrained = TrialResources.shared().pretrainedWeights();
    assertEquals(pretrained.size() + 2, saved.size(), "backbone tensors + classifier");
    long total = saved.values().stream().mapToLong(FloatTensor::numel).sum();
    assertEquals(result.metric("total_params"), total, 0.0);
    FloatTensor query = saved.get("encoder.layer.0.attention.self.query.weight");
    assertArrayEquals(new long[] {384, 384}, query.shape());
    assertArrayEquals(new long[] {1536, 384},
        saved.get("encoder.layer.0.intermediate.dense.weight").shape());
    FloatTensor before = pretrained.get("encoder.layer.0.attention.self.query.weight");
    for (int row = 0; row < 384; row++) {
      boolean inSlice = row >= 10 && row < 14;
      boolean changed = false;
      for (int col = 0; col < 384; col++) {
        changed |= query.get(row, col) != before.get(row, col);
      }
      assertEquals(inSlice, changed, "row " + row);
    }
    assertArrayEquals(pretrained.get("embeddings.word_embeddings.weight").values(),
        saved.get("embeddings.word_embeddings.weight").values());
    Map<?, ?> config = new ObjectMapper().readValue(dir.resolve("config.json").toFile(),
        Map.class);
    assertEquals(384, config.get("hidden_size"));
    assertEquals(2, config.get("num_labels"));
    assertTrue(result.metric("saved_bytes") > 90_000_000);
  }
}
