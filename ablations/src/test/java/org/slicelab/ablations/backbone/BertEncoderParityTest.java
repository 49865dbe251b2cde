package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DJL encoder against ONNX Runtime on the same ONNX files and real sentences. */
class BertEncoderParityTest {
  private static final List<String> SENTENCES = List.of(
      "A man is eating food.",
      "A man is eating a piece of bread.",
      "The new movie is awesome",
      "Congratulations! You have WON a $1000 gift card. Click here to claim your prize now!!!",
      "Hi Bob, can we move tomorrow's meeting to 3pm? The quarterly numbers are not ready yet.",
      "Spark distributes tasks across executors.",
      "ok",
      "Dear friend, I am a prince with an urgent business proposal that requires your bank "
          + "account details for the transfer of 25 million dollars into your care.");

  private static NDManager manager;
  private static BertEncoder encoder;
  private static TextTokenizer tokenizer;

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager("PyTorch");
    Map<String, FloatTensor> weights = OnnxWeightReader.read(PretrainedFiles.miniLm().onnxPath());
    encoder = new BertEncoder(BertConfig.miniLm(), BertEncoder.toArrays(manager, weights));
    tokenizer = TextTokenizer.miniLm(32);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** At 2 intra-op threads attention takes its explicit form (Attention), at 1 the fused one. */
  @ParameterizedTest(name = "{0} at {1} thread(s)")
  @CsvSource({"all-minilm-l6-v2, 1", "bge-small, 1", "e5-small, 1", "all-minilm-l6-v2, 2"})
  void lastHiddenStateMatchesOnnxRuntime(String name, int threads) {
    TextBackbone backbone = Backbones.text(name);
    TextTokenizer.Encoded batch;
    try (TextTokenizer own = new TextTokenizer(backbone.tokenizerPath(), 32)) {
      batch = own.encode(SENTENCES);
    }
    long padded = java.util.Arrays.stream(batch.attentionMask()).filter(r -> r[r.length - 1] == 0)
        .count();
    assertTrue(padded >= 4, "the batch must contain padding");
    float[][][] expected;
    try (OnnxReference reference = new OnnxReference(((BuiltInBackbone) backbone).onnxPath())) {
      expected = reference.lastHiddenState(batch);
    }
    NDArray ids = manager.create(batch.inputIds());
    NDArray mask = manager.create(batch.attentionMask());
    NDArray types = manager.create(batch.tokenTypeIds());
    BertEncoder model = name.equals(Backbones.DEFAULT) ? encoder
        : new BertEncoder(backbone.config(), BertEncoder.toArrays(manager, backbone.weights()));
    int threadsBefore = JniUtils.getNumThreads();
    JniUtils.setNumThreads(threads);
    float[] actual;
    try {
      actual = model.forward(ids, mask, types).toFloatArray();
    } finally {
      JniUtils.setNumThreads(threadsBefore);
    }
    int length = batch.inputIds()[0].length;
    int hidden = 384;
    double maxDiff = 0;
    for (int b = 0; b < SENTENCES.size(); b++) {
      for (int t = 0; t < length; t++) {
        if (batch.attentionMask()[b][t] == 0) {
          continue;
        }
        for (int h = 0; h < hidden; h++) {
          maxDiff = Math.max(maxDiff,
              Math.abs(expected[b][t][h] - actual[(b * length + t) * hidden + h]));
        }
      }
    }
    assertTrue(maxDiff < 1e-4, "max abs difference " + maxDiff);
  }

  @Test
  void sentenceSimilarityMatchesThePublishedModel() {
    TextTokenizer.Encoded batch = tokenizer.encode(List.of(SENTENCES.get(0), SENTENCES.get(1),
        SENTENCES.get(5)));
    NDArray mask = manager.create(batch.attentionMask());
    NDArray pooled = BertEncoder.meanPool(encoder.forward(manager.create(batch.inputIds()), mask,
        manager.create(batch.tokenTypeIds())), mask);
    float[][] v = new float[3][];
    for (int i = 0; i < 3; i++) {
      v[i] = pooled.get(i).toFloatArray();
    }
    assertEquals(0.755, cosine(v[0], v[1]), 0.01);
    assertTrue(cosine(v[0], v[2]) < 0.3, "unrelated sentences are not similar");
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
