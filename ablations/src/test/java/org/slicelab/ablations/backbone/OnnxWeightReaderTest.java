package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the ONNX weight reader on all-MiniLM-L6-v2 against ONNX Runtime. */
class OnnxWeightReaderTest {
  private static final int HEADS = 12;
  private static Map<String, FloatTensor> weights;

  @BeforeAll
  static void readOnce() {
    long start = System.nanoTime();
    weights = OnnxWeightReader.read(PretrainedFiles.miniLm().onnxPath());
    System.out.printf("OnnxWeightReader.read: %.0f ms%n", (System.nanoTime() - start) / 1e6);
  }

  @Test
  void namesAndShapesAreHuggingFaces() {
    assertArrayEquals(new long[] {30522, 384}, shape("embeddings.word_embeddings.weight"));
    assertArrayEquals(new long[] {512, 384}, shape("embeddings.position_embeddings.weight"));
    assertArrayEquals(new long[] {2, 384}, shape("embeddings.token_type_embeddings.weight"));
    assertArrayEquals(new long[] {384}, shape("embeddings.LayerNorm.weight"));
    int matrices = 0;
    for (int layer = 0; layer < 6; layer++) {
      String p = "encoder.layer." + layer + ".";
      for (String linear : List.of("attention.self.query", "attention.self.key",
          "attention.self.value", "attention.output.dense")) {
        assertArrayEquals(new long[] {384, 384}, shape(p + linear + ".weight"), p + linear);
        assertArrayEquals(new long[] {384}, shape(p + linear + ".bias"));
      }
      assertArrayEquals(new long[] {1536, 384}, shape(p + "intermediate.dense.weight"));
      assertArrayEquals(new long[] {1536}, shape(p + "intermediate.dense.bias"));
      assertArrayEquals(new long[] {384, 1536}, shape(p + "output.dense.weight"));
      assertArrayEquals(new long[] {384}, shape(p + "output.LayerNorm.bias"));
      assertArrayEquals(new long[] {384}, shape(p + "attention.output.LayerNorm.weight"));
    }
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      assertFalse(e.getKey().startsWith("onnx::"), e.getKey());
      if (e.getKey().startsWith("encoder.") && e.getValue().rank() == 2) {
        matrices++;
      }
    }
    assertEquals(36, matrices);
    assertEquals(5 + 6 * 16, weights.size());
    assertEquals(22_565_376L, weights.values().stream().mapToLong(FloatTensor::numel).sum());
  }

  /**
   * A plain-Java BERT forward pass built only from the reader's tensors reproduces ONNX Runtime's
   * last_hidden_state: any wrong name, swapped matrix or missing transposition breaks it.
   */
  @Test
  void weightsReproduceOnnxRuntime() {
    List<String> texts = List.of("A man is eating food.",
        "A man is eating a piece of bread.", "The girl is carrying a baby.");
    TextTokenizer.Encoded batch;
    try (TextTokenizer tokenizer = TextTokenizer.miniLm(16)) {
      batch = tokenizer.encode(texts);
    }
    float[][][] expected;
    try (OnnxReference reference = OnnxReference.miniLm()) {
      expected = reference.lastHiddenState(batch);
    }
    double maxDiff = 0;
    for (int b = 0; b < texts.size(); b++) {
      double[][] actual = forward(batch.inputIds()[b], batch.attentionMask()[b],
          batch.tokenTypeIds()[b]);
      for (int t = 0; t < actual.length; t++) {
        for (int h = 0; h < actual[t].length; h++) {
          maxDiff = Math.max(maxDiff, Math.abs(actual[t][h] - expected[b][t][h]));
        }
      }
    }
    System.out.printf("plain-Java BERT vs ONNX Runtime: max abs diff %.2e%n", maxDiff);
    assertTrue(maxDiff < 1e-4, "max abs diff " + maxDiff);
  }

  @Test
  void cachedFilesAreStableAndHashed() throws IOException {
    PretrainedFiles files = PretrainedFiles.miniLm();
    assertSame(files, PretrainedFiles.miniLm());
    assertTrue(files.weightsSha256().matches("[0-9a-f]{64}"));
    assertEquals(org.slicelab.ablations.cache.Checksums.sha256(files.onnxPath()), files.weightsSha256());
    assertEquals(90_387_606L, Files.size(files.onnxPath()));
    assertEquals(org.slicelab.ablations.cache.Checksums.sha256(files.tokenizerPath()), files.tokenizerSha256());
  }

  @Test
  void unnamedMatMulWeightFailsClearly(@TempDir Path dir) throws IOException {
    // A MatMul whose product feeds a Relu, not an Add with a named bias.
    Path onnx = dir.resolve("bad.onnx");
    Files.write(onnx, model(
        node("MatMul", List.of("x", "onnx::MatMul_7"), List.of("y")),
        node("Relu", List.of("y"), List.of("z")),
        tensor("onnx::MatMul_7", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OnnxWeightReader.read(onnx));
    assertTrue(e.getMessage().contains("onnx::MatMul_7"), e.getMessage());
  }

  @Test
  void incompleteBertFailsClearly(@TempDir Path dir) throws IOException {
    Path onnx = dir.resolve("partial.onnx");
    Files.write(onnx, model(
        node("MatMul", List.of("x", "onnx::MatMul_7"), List.of("y")),
        node("Add", List.of("encoder.layer.0.attention.self.query.bias", "y"), List.of("z")),
        tensor("onnx::MatMul_7", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
        tensor("encoder.layer.0.attention.self.query.bias", new long[] {3}, new float[3])));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OnnxWeightReader.read(onnx));
    assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
    assertFalse(e.getMessage().contains("layer.0.attention.self.query.weight"), e.getMessage());
  }

  private static long[] shape(String name) {
    FloatTensor t = weights.get(name);
    assertTrue(t != null, "missing " + name);
    return t.shape();
  }

  // ---- plain-Java BERT (Hugging Face order: post-norm residuals, exact GELU) ----

  private static double[][] forward(long[] ids, long[] mask, long[] types) {
    int len = ids.length;
    int hidden = (int) weights.get("embeddings.LayerNorm.weight").numel();
    double[][] x = new double[len][hidden];
    for (int t = 0; t < len; t++) {
      for (int h = 0; h < hidden; h++) {
        x[t][h] = weights.get("embeddings.word_embeddings.weight").get((int) ids[t], h)
            + weights.get("embeddings.position_embeddings.weight").get(t, h)
            + weights.get("embeddings.token_type_embeddings.weight").get((int) types[t], h);
      }
    }
    x = layerNorm(x, "embeddings.LayerNorm");
    for (int layer = 0; layer < 6; layer++) {
      String p = "encoder.layer." + layer + ".";
      double[][] q = linear(x, p + "attention.self.query");
      double[][] k = linear(x, p + "attention.self.key");
      double[][] v = linear(x, p + "attention.self.value");
      double[][] context = attention(q, k, v, mask);
      x = layerNorm(add(x, linear(context, p + "attention.output.dense")),
          p + "attention.output.LayerNorm");
      double[][] inner = linear(x, p + "intermediate.dense");
      for (double[] row : inner) {
        for (int i = 0; i < row.length; i++) {
          row[i] = 0.5 * row[i] * (1 + erf(row[i] / Math.sqrt(2)));
        }
      }
      x = layerNorm(add(x, linear(inner, p + "output.dense")), p + "output.LayerNorm");
    }
    return x;
  }

  /** y = x W^T + b with W stored [out, in] as a Linear's weight. */
  private static double[][] linear(double[][] x, String prefix) {
    FloatTensor w = weights.get(prefix + ".weight");
    FloatTensor b = weights.get(prefix + ".bias");
    int out = (int) w.shape()[0];
    int in = (int) w.shape()[1];
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = b.values()[o];
        for (int i = 0; i < in; i++) {
          s += x[t][i] * w.get(o, i);
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private static double[][] attention(double[][] q, double[][] k, double[][] v, long[] mask) {
    int len = q.length;
    int hidden = q[0].length;
    int dh = hidden / HEADS;
    double[][] out = new double[len][hidden];
    for (int head = 0; head < HEADS; head++) {
      int off = head * dh;
      for (int i = 0; i < len; i++) {
        double[] scores = new double[len];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
          double s = 0;
          for (int d = 0; d < dh; d++) {
            s += q[i][off + d] * k[j][off + d];
          }
          scores[j] = s / Math.sqrt(dh) + (mask[j] == 0 ? -1e9 : 0);
          max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = 0; j < len; j++) {
          for (int d = 0; d < dh; d++) {
            out[i][off + d] += scores[j] / sum * v[j][off + d];
          }
        }
      }
    }
    return out;
  }

  private static double[][] layerNorm(double[][] x, String prefix) {
    float[] gamma = weights.get(prefix + ".weight").values();
    float[] beta = weights.get(prefix + ".bias").values();
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      double mean = 0;
      for (double v : x[t]) {
        mean += v;
      }
      mean /= x[t].length;
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean);
      }
      var /= x[t].length;
      double inv = 1 / Math.sqrt(var + 1e-12);
      y[t] = new double[x[t].length];
      for (int h = 0; h < x[t].length; h++) {
        y[t][h] = (x[t][h] - mean) * inv * gamma[h] + beta[h];
      }
    }
    return y;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] y = new double[a.length][a[0].length];
    for (int t = 0; t < a.length; t++) {
      for (int h = 0; h < a[t].length; h++) {
        y[t][h] = a[t][h] + b[t][h];
      }
    }
    return y;
  }

  /** erf via erfc's Chebyshev fit (Numerical Recipes erfcc), relative error below 1.2e-7. */
  private static double erf(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - erfc : erfc - 1;
  }

  // ---- a tiny ONNX writer for the failure cases (field numbers as in onnx.proto) ----

  private static byte[] model(byte[]... graphEntries) throws IOException {
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    for (byte[] entry : graphEntries) {
      graph.write(entry);
    }
    return message(out -> out.writeBytes(7, ByteString.copyFrom(graph.toByteArray())));
  }

  private static byte[] node(String opType, List<String> inputs, List<String> outputs)
      throws IOException {
    byte[] node = message(out -> {
      for (String in : inputs) {
        out.writeString(1, in);
      }
      for (String o : outputs) {
        out.writeString(2, o);
      }
      out.writeString(4, opType);
    });
    return message(out -> out.writeBytes(1, ByteString.copyFrom(node)));
  }

  private static byte[] tensor(String name, long[] dims, float[] values) throws IOException {
    byte[] tensor = message(out -> {
      for (long d : dims) {
        out.writeInt64(1, d);
      }
      out.writeInt32(2, 1);
      for (float v : values) {
        out.writeFloat(4, v);
      }
      out.writeString(8, name);
    });
    return message(out -> out.writeBytes(5, ByteString.copyFrom(tensor)));
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return bytes.toByteArray();
  }
}
