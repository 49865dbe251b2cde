package org.slicelab.ablations.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.cache.Checksums;
import org.slicelab.ablations.cache.Memo;

/**
 * A Hugging Face checkpoint directory: {@code config.json} ({@code model_type} {@code bert} or
 * {@code roberta}), {@code model.safetensors} or shards listed in
 * {@code model.safetensors.index.json}, and {@code tokenizer.json}. SliceLab's own
 * {@code --save-model} export is such a directory.
 *
 * <p>Tensor names may carry the model prefix ({@code bert.}, {@code roberta.}); it is removed.
 * Only encoder tensors are kept (a pooler, classifier or language-model head is ignored: trials
 * put a fresh head on the mean-pooled output). F16 and BF16 weights are widened to float32.
 * The config and the tokenizer are checked on construction, the weights on first use.
 */
final class CheckpointBackbone implements TextBackbone {
  static final String CONFIG = "config.json";
  static final String WEIGHTS = "model.safetensors";
  static final String INDEX = "model.safetensors.index.json";
  static final String TOKENIZER = "tokenizer.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Path dir;
  private final BertConfig config;
  private final List<Path> weightFiles;
  private final Path tokenizer;
  private final Memo<Map<String, FloatTensor>> weights =
      new Memo<>(() -> Collections.unmodifiableMap(readWeights()));
  private volatile String weightsSha256;

  CheckpointBackbone(String name, Path dir) {
    this.name = name;
    this.dir = dir;
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("backbone checkpoint '" + name + "': " + dir
          + " is not a directory");
    }
    this.config = readConfig(require(CONFIG));
    this.tokenizer = require(TOKENIZER);
    this.weightFiles = weightFiles();
    checkTokenizer();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BertConfig config() {
    return config;
  }

  @Override
  public Path tokenizerPath() {
    return tokenizer;
  }

  @Override
  public String tokenizerSha256() {
    return Checksums.sha256(List.of(tokenizer));
  }

  @Override
  public String weightsSha256() {
    String sha = weightsSha256;
    if (sha == null) {
      sha = Checksums.sha256(weightFiles);
      weightsSha256 = sha;
    }
    return sha;
  }

  @Override
  public Map<String, FloatTensor> weights() {
    return weights.get();
  }

  private Map<String, FloatTensor> readWeights() {
    String prefix = config.modelType() + ".";
    Map<String, FloatTensor> read = new LinkedHashMap<>();
    for (Path file : weightFiles) {
      SafetensorsWriter.read(file, n -> isEncoderTensor(strip(n, prefix)))
          .forEach((n, t) -> read.put(strip(n, prefix), t));
    }
    Map<String, FloatTensor> ordered = new LinkedHashMap<>();
    config.checkWeights(read, "backbone checkpoint '" + name + "'");
    for (String n : config.tensorShapes().keySet()) {
      ordered.put(n, read.get(n));
    }
    return ordered;
  }

  private static String strip(String tensor, String prefix) {
    return tensor.startsWith(prefix) ? tensor.substring(prefix.length()) : tensor;
  }

  private static boolean isEncoderTensor(String tensor) {
    return (tensor.startsWith("embeddings.") || tensor.startsWith("encoder."))
        && !tensor.endsWith("position_ids");
  }

  private Path require(String file) {
    Path path = dir.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("backbone checkpoint '" + name + "' has no " + file
          + " (in " + dir + ")");
    }
    return path;
  }

  private List<Path> weightFiles() {
    if (Files.isRegularFile(dir.resolve(WEIGHTS))) {
      return List.of(dir.resolve(WEIGHTS));
    }
    if (!Files.isRegularFile(dir.resolve(INDEX))) {
      throw new IllegalArgumentException("backbone checkpoint '" + name + "' has neither "
          + WEIGHTS + " nor " + INDEX + " (in " + dir + "); only safetensors weights are read");
    }
    JsonNode map = readJson(dir.resolve(INDEX)).path("weight_map");
    if (!map.isObject() || map.isEmpty()) {
      throw new IllegalArgumentException(dir.resolve(INDEX) + " has no weight_map");
    }
    LinkedHashSet<String> shards = new LinkedHashSet<>();
    map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
    List<Path> files = new ArrayList<>();
    for (String shard : shards) {
      files.add(require(shard));
    }
    return files;
  }

  private BertConfig readConfig(Path file) {
    JsonNode c = readJson(file);
    String modelType = c.path("model_type").asText("");
    if (!c.path("position_embedding_type").asText("absolute").equals("absolute")) {
      throw new IllegalArgumentException(file + ": unsupported position_embedding_type '"
          + c.path("position_embedding_type").asText() + "'; supported is absolute");
    }
    int offset = modelType.equals("roberta") ? intField(c, "pad_token_id", file) + 1 : 0;
    try {
      return new BertConfig(intField(c, "vocab_size", file), intField(c, "hidden_size", file),
          intField(c, "num_hidden_layers", file), intField(c, "num_attention_heads", file),
          intField(c, "intermediate_size", file), intField(c, "max_position_embeddings", file),
          c.path("type_vocab_size").asInt(2), (float) c.path("layer_norm_eps").asDouble(1e-12),
          modelType, offset, c.path("hidden_act").asText("gelu"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static int intField(JsonNode config, String field, Path file) {
    JsonNode value = config.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new IllegalArgumentException(file + ": missing or non-integer field '" + field + "'");
    }
    return value.asInt();
  }

  /** Every token id the tokenizer can produce must index a row of the word embeddings. */
  private void checkTokenizer() {
    JsonNode t = readJson(tokenizer);
    int maxId = -1;
    JsonNode vocab = t.path("model").path("vocab");
    if (vocab.isObject()) {
      for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
        maxId = Math.max(maxId, id.asInt());
      }
    } else if (vocab.isArray()) {
      maxId = vocab.size() - 1; // unigram: [token, score] pairs
    }
    for (JsonNode added : t.path("added_tokens")) {
      maxId = Math.max(maxId, added.path("id").asInt());
    }
    if (maxId < 0) {
      throw new IllegalArgumentException(tokenizer + " has no vocabulary");
    }
    if (maxId >= config.vocabSize()) {
      throw new IllegalArgumentException("backbone checkpoint '" + name + "': the tokenizer "
          + "produces ids up to " + maxId + " but the model has vocab_size "
          + config.vocabSize() + " (tokenizer.json does not belong to this model?)");
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
