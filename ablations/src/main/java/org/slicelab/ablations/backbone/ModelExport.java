package org.slicelab.ablations.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a trained (merged) classifier as Hugging Face files: {@code model.safetensors} with
 * {@code bert.}-free BERT names, Linear weights [out, in], float32, and a {@code config.json}.
 */
public final class ModelExport {
  private ModelExport() {
  }

  /** Saves {@code model} into {@code dir} (created if missing); returns the bytes written. */
  public static long save(TextClassifier model, Path dir, Map<String, String> metadata) {
    try {
      Files.createDirectories(dir);
      Path weights = dir.resolve("model.safetensors");
      SafetensorsWriter.write(weights, model.toHost(), metadata);
      Map<String, Object> config = model.encoder().config().toHuggingFaceConfig();
      config.put("num_labels", model.head().outFeatures());
      config.put("id2label", Map.of("0", "ham", "1", "spam"));
      config.put("pooling", "mean");
      Path configFile = dir.resolve("config.json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(configFile.toFile(), config);
      return Files.size(weights) + Files.size(configFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + dir, e);
    }
  }
}
