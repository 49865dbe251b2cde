package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.Autograd;

/** {@link ModelExport} writes every tensor with its Hugging Face name and a BERT config. */
class ModelExportTest {

  @Test
  void writesEveryTensorAndTheConfig(@TempDir Path dir) throws Exception {
    Autograd.ensureEngine();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TextClassifier model = TinyModels.classifier(manager, 4);
      Map<String, FloatTensor> host = model.toHost();
      long bytes = ModelExport.save(model, dir.resolve("out"), java.util.List.of("ham", "spam"), null,
          Map.of("method", "test"));

      Path weights = dir.resolve("out/model.safetensors");
      Path config = dir.resolve("out/config.json");
      assertEquals(Files.size(weights) + Files.size(config), bytes);
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
      assertEquals(Map.of("0", "ham", "1", "spam"), json.get("id2label"));
    }
  }
}
