package org.slicelab.ablations.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.train.EncodedDataset;

/** Small random BERT models and data for fast semantic tests of methods and training. */
public final class TinyModels {
  /** 2 layers, hidden 16, 2 heads, FFN 32, vocabulary 50. */
  public static final BertConfig CONFIG = new BertConfig(50, 16, 2, 2, 32, 16, 2, 1e-12f);

  private TinyModels() {
  }

  /** Random host weights with the given std for matrices (LayerNorm scales 1, biases small). */
  public static Map<String, FloatTensor> weights(BertConfig c, long seed) {
    Random random = new Random(seed);
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    put(w, random, "embeddings.word_embeddings.weight", 0.5, c.vocabSize(), c.hidden());
    put(w, random, "embeddings.position_embeddings.weight", 0.5, c.maxPositions(), c.hidden());
    put(w, random, "embeddings.token_type_embeddings.weight", 0.5, c.typeVocab(), c.hidden());
    ones(w, "embeddings.LayerNorm.weight", c.hidden());
    put(w, random, "embeddings.LayerNorm.bias", 0.1, c.hidden());
    c.linearShapes().forEach((name, shape) -> {
      put(w, random, name + ".weight", 0.3, shape[0], shape[1]);
      put(w, random, name + ".bias", 0.1, shape[0]);
    });
    for (int l = 0; l < c.layers(); l++) {
      for (String ln : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
        ones(w, "encoder.layer." + l + "." + ln + ".weight", c.hidden());
        put(w, random, "encoder.layer." + l + "." + ln + ".bias", 0.1, c.hidden());
      }
    }
    return w;
  }

  /** A tiny classifier in {@code manager}. */
  public static TextClassifier classifier(NDManager manager, long seed) {
    return TextClassifier.create(manager, CONFIG, weights(CONFIG, seed), 2, seed);
  }

  /** Random token data: {@code n} examples of length {@code len}, some padded, labels 0/1. */
  public static EncodedDataset data(int n, int len, long seed) {
    Random random = new Random(seed);
    long[][] ids = new long[n][len];
    long[][] mask = new long[n][len];
    long[][] types = new long[n][len];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int real = 2 + random.nextInt(len - 1);
      labels[i] = random.nextInt(2);
      for (int t = 0; t < real; t++) {
        ids[i][t] = 1 + random.nextInt(CONFIG.vocabSize() - 1);
        if (labels[i] == 1 && t == 1) {
          ids[i][t] = 7;
        }
        mask[i][t] = 1;
      }
    }
    return new EncodedDataset(ids, mask, types, labels);
  }

  /** A copy of an array's values. */
  public static float[] values(NDArray array) {
    return array.toFloatArray();
  }

  private static void put(Map<String, FloatTensor> w, Random random, String name, double std,
      long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    w.put(name, new FloatTensor(shape, v));
  }

  private static void ones(Map<String, FloatTensor> w, String name, int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    w.put(name, new FloatTensor(new long[] {n}, v));
  }
}
