package org.slicelab.ablations.backbone;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shape of a Hugging Face BERT-family encoder (BERT or RoBERTa).
 *
 * @param vocabSize vocabulary size (rows of the word embeddings)
 * @param hidden hidden size
 * @param layers number of transformer layers
 * @param heads attention heads per layer
 * @param intermediate feed-forward inner size
 * @param maxPositions learned position embeddings (rows, offset included)
 * @param typeVocab token-type embeddings
 * @param layerNormEps LayerNorm epsilon
 * @param modelType Hugging Face {@code model_type}: {@code bert} or {@code roberta}
 * @param positionOffset index of the first real position: 0 for BERT, padding index + 1 for
 *     RoBERTa (whose position ids start after the padding index)
 * @param activation feed-forward activation: {@code gelu} (erf) or {@code relu}
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate,
    int maxPositions, int typeVocab, float layerNormEps, String modelType, int positionOffset,
    String activation) implements Serializable {

  /** Hugging Face {@code hidden_act} values the encoder implements. */
  public static final List<String> ACTIVATIONS = List.of("gelu", "relu");

  /** Checks the values. */
  public BertConfig {
    if (!modelType.equals("bert") && !modelType.equals("roberta")) {
      throw new IllegalArgumentException("unsupported model_type '" + modelType
          + "': supported are bert, roberta");
    }
    if (!ACTIVATIONS.contains(activation)) {
      throw new IllegalArgumentException("unsupported activation (hidden_act) '" + activation
          + "': supported are " + ACTIVATIONS);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden_size " + hidden
          + " is not a multiple of num_attention_heads " + heads);
    }
  }

  /** A BERT shape (no position offset, erf-GELU). */
  public BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate,
      int maxPositions, int typeVocab, float layerNormEps) {
    this(vocabSize, hidden, layers, heads, intermediate, maxPositions, typeVocab, layerNormEps,
        "bert", 0, "gelu");
  }

  /** all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, FFN 1536. */
  public static BertConfig miniLm() {
    return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
  }

  /** The longest token sequence the position embeddings cover. */
  public int maxSequenceLength() {
    return maxPositions - positionOffset;
  }

  /** Every encoder Linear layer's name with its weight shape {d_out, d_in}, in layer order. */
  public Map<String, int[]> linearShapes() {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    for (int l = 0; l < layers; l++) {
      String p = "encoder.layer." + l + ".";
      shapes.put(p + "attention.self.query", new int[] {hidden, hidden});
      shapes.put(p + "attention.self.key", new int[] {hidden, hidden});
      shapes.put(p + "attention.self.value", new int[] {hidden, hidden});
      shapes.put(p + "attention.output.dense", new int[] {hidden, hidden});
      shapes.put(p + "intermediate.dense", new int[] {intermediate, hidden});
      shapes.put(p + "output.dense", new int[] {hidden, intermediate});
    }
    return shapes;
  }

  /** The shape of every encoder tensor by Hugging Face name (no model prefix), in HF order. */
  public Map<String, long[]> tensorShapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("embeddings.word_embeddings.weight", new long[] {vocabSize, hidden});
    shapes.put("embeddings.position_embeddings.weight", new long[] {maxPositions, hidden});
    shapes.put("embeddings.token_type_embeddings.weight", new long[] {typeVocab, hidden});
    shapes.put("embeddings.LayerNorm.weight", new long[] {hidden});
    shapes.put("embeddings.LayerNorm.bias", new long[] {hidden});
    long[] vector = {hidden};
    for (Map.Entry<String, int[]> e : linearShapes().entrySet()) {
      String name = e.getKey();
      shapes.put(name + ".weight", new long[] {e.getValue()[0], e.getValue()[1]});
      shapes.put(name + ".bias", new long[] {e.getValue()[0]});
      if (name.endsWith("output.dense")) { // attention.output.dense and output.dense
        String norm = name.substring(0, name.length() - "dense".length()) + "LayerNorm";
        shapes.put(norm + ".weight", vector);
        shapes.put(norm + ".bias", vector);
      }
    }
    return shapes;
  }

  /**
   * Checks that {@code weights} hold every encoder tensor with the shape this config implies.
   *
   * @param source where the weights came from (for the message)
   * @throws IllegalArgumentException naming the first missing or mis-shaped tensor
   */
  public void checkWeights(Map<String, FloatTensor> weights, String source) {
    for (Map.Entry<String, long[]> e : tensorShapes().entrySet()) {
      FloatTensor t = weights.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException(source + ": missing tensor '" + e.getKey() + "'");
      }
      if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
        throw new IllegalArgumentException(source + ": tensor '" + e.getKey() + "' has shape "
            + java.util.Arrays.toString(t.shape()) + " but the config implies "
            + java.util.Arrays.toString(e.getValue()));
      }
    }
  }

  /** The Hugging Face {@code config.json} fields for this shape. */
  public Map<String, Object> toHuggingFaceConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("model_type", modelType);
    c.put("architectures", List.of(modelType.equals("roberta")
        ? "RobertaForSequenceClassification" : "BertForSequenceClassification"));
    c.put("vocab_size", vocabSize);
    c.put("hidden_size", hidden);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", heads);
    c.put("intermediate_size", intermediate);
    c.put("max_position_embeddings", maxPositions);
    c.put("type_vocab_size", typeVocab);
    c.put("layer_norm_eps", layerNormEps);
    c.put("hidden_act", activation);
    if (modelType.equals("roberta")) {
      c.put("pad_token_id", positionOffset - 1);
    }
    c.put("hidden_dropout_prob", 0.0);
    c.put("attention_probs_dropout_prob", 0.0);
    c.put("torch_dtype", "float32");
    return c;
  }
}
