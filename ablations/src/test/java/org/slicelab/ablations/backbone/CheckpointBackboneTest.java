package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hugging Face checkpoint directories as backbones, against reference outputs of Hugging Face
 * transformers on small random BERT and RoBERTa checkpoints (generated once by
 * {@code src/test/python/make_checkpoints.sh}), the round trip of SliceLab's own export, and
 * the errors for broken checkpoints.
 */
class CheckpointBackboneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** The committed fixture directory {@code checkpoints/<name>}. */
  static Path fixture(String name) {
    try {
      return Path.of(CheckpointBackboneTest.class.getResource("/checkpoints/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-bert", "tiny-roberta"})
  void tokensHiddenStatesAndLogitsMatchTransformers(String name) throws IOException {
    Path dir = fixture(name);
    JsonNode ref = JSON.readTree(dir.resolve("reference.json").toFile());
    TextBackbone backbone = Backbones.text(dir.toString());
    assertEquals(ref.get("kind").asText(), backbone.config().modelType());
    int maxLen = ref.get("max_len").asInt();
    List<String> sentences = new ArrayList<>();
    ref.get("sentences").forEach(s -> sentences.add(s.asText()));
    long[][] ids = longs(ref.get("input_ids"));
    long[][] mask = longs(ref.get("attention_mask"));
    long[][] types = longs(ref.get("token_type_ids"));
    try (TextTokenizer tokenizer = new TextTokenizer(backbone.tokenizerPath(), maxLen)) {
      TextTokenizer.Encoded encoded = tokenizer.encode(sentences);
      for (int b = 0; b < ids.length; b++) {
        assertArrayEquals(mask[b], encoded.attentionMask()[b], "mask of sentence " + b);
        assertArrayEquals(ids[b], encoded.inputIds()[b], "ids of sentence " + b);
        assertArrayEquals(types[b], encoded.tokenTypeIds()[b], "types of sentence " + b);
      }
    }
    BertEncoder encoder = new BertEncoder(backbone.config(),
        BertEncoder.toArrays(manager, backbone.weights()));
    NDArray maskArray = manager.create(mask);
    NDArray hidden = encoder.forward(manager.create(ids), maskArray, manager.create(types));
    float[] actual = hidden.toFloatArray();
    JsonNode expected = ref.get("last_hidden_state");
    int h = backbone.config().hidden();
    double maxDiff = 0;
    int compared = 0;
    for (int b = 0; b < ids.length; b++) {
      for (int t = 0; t < maxLen; t++) {
        if (mask[b][t] == 0) {
          continue; // padding positions are not part of the output contract
        }
        for (int i = 0; i < h; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected.get(b).get(t).get(i).asDouble()
              - actual[(b * maxLen + t) * h + i]));
          compared++;
        }
      }
    }
    assertTrue(compared > 1000);
    assertTrue(maxDiff < 1e-4, name + " hidden states: max abs difference " + maxDiff);

    Map<String, FloatTensor> head = classifierTensors(dir);
    LinearLayer classifier = new LinearLayer("classifier",
        array(head.get("classifier.weight")), array(head.get("classifier.bias")));
    float[] logits = classifier.forward(BertEncoder.meanPool(hidden, maskArray)).toFloatArray();
    JsonNode expectedLogits = ref.get("logits");
    int classes = expectedLogits.get(0).size();
    for (int b = 0; b < ids.length; b++) {
      for (int c = 0; c < classes; c++) {
        assertEquals(expectedLogits.get(b).get(c).asDouble(), logits[b * classes + c], 1e-4,
            name + " logit " + b + "," + c);
      }
    }
  }

  @Test
  void robertaIsReadFromShardsWithItsPositionOffset() {
    TextBackbone roberta = Backbones.text(fixture("tiny-roberta").toString());
    assertEquals(2, roberta.config().positionOffset());
    assertEquals(1, roberta.config().typeVocab());
    assertEquals(roberta.config().maxPositions() - 2, roberta.config().maxSequenceLength());
    assertTrue(Files.exists(fixture("tiny-roberta").resolve(CheckpointBackbone.INDEX)));
  }

  @Test
  void ownExportLoadsBackWithIdenticalOutputs(@TempDir Path tmp) {
    TextBackbone source = Backbones.text(fixture("tiny-bert").toString());
    Map<String, FloatTensor> changed = TextClassifier.randomLike(source.weights(), 7);
    TextClassifier model = TextClassifier.create(manager, source.config(), changed, 3, 5);
    Path out = tmp.resolve("export");
    ModelExport.save(model, out, List.of("a", "b", "c"), source.tokenizerPath(), Map.of());
    TextBackbone loaded = Backbones.text(out.toString());
    assertEquals(source.config(), loaded.config());
    for (Map.Entry<String, FloatTensor> e : changed.entrySet()) {
      assertEquals(e.getValue(), loaded.weights().get(e.getKey()), e.getKey());
    }
    BertEncoder reloaded = new BertEncoder(loaded.config(),
        BertEncoder.toArrays(manager, loaded.weights()));
    long[][] ids = {{2, 40, 41, 42, 3, 0}, {2, 50, 3, 0, 0, 0}};
    long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}};
    long[][] types = new long[2][6];
    assertArrayEquals(
        model.encoder().forward(manager.create(ids), manager.create(mask),
            manager.create(types)).toFloatArray(),
        reloaded.forward(manager.create(ids), manager.create(mask), manager.create(types))
            .toFloatArray());
  }

  @Test
  void missingFileIsNamed(@TempDir Path tmp) throws IOException {
    Path dir = copy(fixture("tiny-bert"), tmp);
    Files.delete(dir.resolve("tokenizer.json"));
    assertMessage(dir, "has no tokenizer.json");
    Path noWeights = copy(fixture("tiny-bert"), tmp.resolve("w"));
    Files.delete(noWeights.resolve("model.safetensors"));
    assertMessage(noWeights, "neither model.safetensors nor model.safetensors.index.json");
    Path noShard = copy(fixture("tiny-roberta"), tmp.resolve("s"));
    Files.delete(noShard.resolve("model-00002-of-00002.safetensors"));
    assertMessage(noShard, "has no model-00002-of-00002.safetensors");
  }

  @Test
  void unsupportedModelTypeAndActivationAreRejected(@TempDir Path tmp) throws IOException {
    assertMessage(edited(tmp.resolve("a"), c -> c.put("model_type", "gpt2")),
        "unsupported model_type 'gpt2'");
    assertMessage(edited(tmp.resolve("b"), c -> c.put("hidden_act", "silu")),
        "unsupported activation (hidden_act) 'silu'");
  }

  @Test
  void shapesThatDoNotMatchTheConfigAreRejectedOnLoad(@TempDir Path tmp) throws IOException {
    Path dir = edited(tmp, c -> c.put("intermediate_size", 48));
    TextBackbone b = Backbones.text(dir.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::weights);
    assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight")
        && e.getMessage().contains("[64, 32]") && e.getMessage().contains("[48, 32]"),
        e.getMessage());
  }

  @Test
  void tokenizerLargerThanTheEmbeddingsIsRejected(@TempDir Path tmp) throws IOException {
    assertMessage(edited(tmp, c -> c.put("vocab_size", 50)), "vocab_size 50");
  }

  private static Path edited(Path tmp, Consumer<ObjectNode> edit) throws IOException {
    Path dir = copy(fixture("tiny-bert"), tmp);
    ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    edit.accept(config);
    JSON.writeValue(dir.resolve("config.json").toFile(), config);
    return dir;
  }

  private static void assertMessage(Path dir, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backbones.get(dir.toString()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  /** classifier.weight and classifier.bias, from whichever shard holds them. */
  private static Map<String, FloatTensor> classifierTensors(Path dir) throws IOException {
    Map<String, FloatTensor> head = new java.util.HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().endsWith(".safetensors")) {
          head.putAll(SafetensorsWriter.read(f, n -> n.startsWith("classifier.")));
        }
      }
    }
    return head;
  }

  private static NDArray array(FloatTensor t) {
    return manager.create(t.values(), new Shape(t.shape()));
  }

  private static long[][] longs(JsonNode rows) {
    long[][] out = new long[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode row = rows.get(i);
      out[i] = new long[row.size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = row.get(j).asLong();
      }
    }
    return out;
  }
}
