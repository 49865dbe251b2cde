package org.slicelab.ablations.backbone;

import java.io.Serializable;

/**
 * Shape of a Hugging Face BERT encoder.
 *
 * @param vocabSize WordPiece vocabulary size
 * @param hidden hidden size
 * @param layers number of transformer layers
 * @param heads attention heads per layer
 * @param intermediate feed-forward inner size
 * @param maxPositions learned position embeddings
 * @param typeVocab token-type embeddings
 * @param layerNormEps LayerNorm epsilon
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate,
    int maxPositions, int typeVocab, float layerNormEps) implements Serializable {

  /** all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, FFN 1536. */
  public static BertConfig miniLm() {
    return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
  }

  /** Every encoder Linear layer's name with its weight shape {d_out, d_in}, in layer order. */
  public java.util.Map<String, int[]> linearShapes() {
    java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
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

  /** The Hugging Face {@code config.json} fields for this shape. */
  public java.util.Map<String, Object> toHuggingFaceConfig() {
    java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("model_type", "bert");
    c.put("architectures", java.util.List.of("BertForSequenceClassification"));
    c.put("vocab_size", vocabSize);
    c.put("hidden_size", hidden);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", heads);
    c.put("intermediate_size", intermediate);
    c.put("max_position_embeddings", maxPositions);
    c.put("type_vocab_size", typeVocab);
    c.put("layer_norm_eps", layerNormEps);
    c.put("hidden_act", "gelu");
    c.put("hidden_dropout_prob", 0.0);
    c.put("attention_probs_dropout_prob", 0.0);
    c.put("torch_dtype", "float32");
    return c;
  }
}
