package org.slicelab.ablations.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained (merged) classifier as a Hugging Face checkpoint directory:
 * {@code model.safetensors} with prefix-free BERT names, Linear weights [out, in], float32; a
 * {@code config.json} with the data's label map; and the backbone's {@code tokenizer.json}. The
 * directory loads back as a {@code backbone} (the head is then ignored).
 */
public final class ModelExport {
  private ModelExport() {
  }

  /**
   * Saves {@code model} into {@code dir} (created if missing); returns the bytes written.
   *
   * @param labelNames class names by label id (written as {@code id2label} / {@code label2id})
   * @param tokenizer the backbone's {@code tokenizer.json}, copied beside the weights; null to
   *     write the weights and config only
   */
  public static long save(TextClassifier model, Path dir, List<String> labelNames,
      Path tokenizer, Map<String, String> metadata) {
    if (labelNames.size() != model.head().outFeatures()) {
      throw new IllegalArgumentException(labelNames.size() + " label names for a head with "
          + model.head().outFeatures() + " outputs");
    }
    try {
      Files.createDirectories(dir);
      Path weights = dir.resolve("model.safetensors");
      SafetensorsWriter.write(weights, model.toHost(), metadata);
      Map<String, Object> config = model.encoder().config().toHuggingFaceConfig();
      Map<String, String> id2label = new LinkedHashMap<>();
      Map<String, Integer> label2id = new LinkedHashMap<>();
      for (int i = 0; i < labelNames.size(); i++) {
        id2label.put(Integer.toString(i), labelNames.get(i));
        label2id.put(labelNames.get(i), i);
      }
      config.put("num_labels", labelNames.size());
      config.put("id2label", id2label);
      config.put("label2id", label2id);
      config.put("pooling", "mean");
      Path configFile = dir.resolve("config.json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(configFile.toFile(), config);
      long bytes = Files.size(weights) + Files.size(configFile);
      if (tokenizer != null) {
        Path tokenizerCopy = dir.resolve("tokenizer.json");
        Files.copy(tokenizer, tokenizerCopy, StandardCopyOption.REPLACE_EXISTING);
        bytes += Files.size(tokenizerCopy);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + dir, e);
    }
  }
}
