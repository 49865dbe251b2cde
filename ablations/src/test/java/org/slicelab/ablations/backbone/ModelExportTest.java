package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.Autograd;

/**
 * {@link ModelExport} writes every tensor with its Hugging Face name, a BERT config with the label
 * map, and the tokenizer.
 */
class ModelExportTest {

  @Test
  void writesEveryTensorAndTheConfig(@TempDir Path dir) throws Exception {
    Autograd.ensureEngine();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TextClassifier model = TinyModels.classifier(manager, 4);
      Map<String, FloatTensor> host = model.toHost();
      Path tokenizer = Files.writeString(dir.resolve("tok.json"), "{\"version\": \"1.0\"}");
      long bytes = ModelExport.save(model, dir.resolve("out"), List.of("neg", "pos"), tokenizer,
          Map.of("method", "test"));

      Path weights = dir.resolve("out/model.safetensors");
      Path config = dir.resolve("out/config.json");
      Path tokenizerCopy = dir.resolve("out/tokenizer.json");
      assertEquals(Files.readString(tokenizer), Files.readString(tokenizerCopy));
      assertEquals(Files.size(weights) + Files.size(config) + Files.size(tokenizerCopy), bytes);
      Map<String, FloatTensor> saved = SafetensorsWriter.read(weights);
      assertEquals(host.keySet(), saved.keySet());
      host.forEach((name, t) -> {
        assertArrayEquals(t.shape(), saved.get(name).shape(), name);
        assertArrayEquals(t.values(), saved.get(name).values(), name);
      });
      assertArrayEquals(new long[] {32, 16},
          saved.get("encoder.layer.1.intermediate.dense.weight").shape(), "Linear is [out, in]");
      assertEquals("test", SafetensorsWriter.readMetadata(weights).get("method"));

      Map<?, ?> json = new ObjectMapper().readValue(config.toFile(), Map.class);
      assertEquals("bert", json.get("model_type"));
      assertEquals(16, json.get("hidden_size"));
      assertEquals(2, json.get("num_hidden_layers"));
      assertEquals(2, json.get("num_labels"));
      assertEquals(Map.of("0", "neg", "1", "pos"), json.get("id2label"));
      assertEquals(Map.of("neg", 0, "pos", 1), json.get("label2id"));
    }
  }
}
