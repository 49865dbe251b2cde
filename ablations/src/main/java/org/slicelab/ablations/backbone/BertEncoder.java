package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder in Hugging Face layer order (embeddings + LayerNorm, post-norm transformer
 * layers with masked multi-head attention and an erf-GELU or ReLU feed-forward; RoBERTa is the
 * same network with position ids starting after its padding index), written as plain DJL
 * NDArray operations over named parameters so that fine-tuning methods can freeze, slice or adapt
 * any tensor. Dropout is omitted (ours: it keeps trials deterministic and thread-independent).
 */
public final class BertEncoder {
  private static final String MASK_PADDED = "attention_mask:padded";
  private static final String MASK_UNPADDED = "attention_mask:unpadded";
  private final BertConfig config;
  private final Map<String, NDArray> parameters;
  private final Map<String, LinearLayer> linears = new LinkedHashMap<>();

  /**
   * Builds the encoder over parameters named as in Hugging Face ({@code embeddings.*},
   * {@code encoder.layer.N.*}); the arrays are used, not copied.
   */
  public BertEncoder(BertConfig config, Map<String, NDArray> parameters) {
    this.config = config;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    for (int l = 0; l < config.layers(); l++) {
      String p = "encoder.layer." + l + ".";
      for (String module : List.of("attention.self.query", "attention.self.key",
          "attention.self.value", "attention.output.dense", "intermediate.dense",
          "output.dense")) {
        String name = p + module;
        linears.put(name, new LinearLayer(name, param(name + ".weight"), param(name + ".bias")));
      }
    }
  }

  /** Creates parameter arrays in {@code manager} from host tensors keyed by Hugging Face name. */
  public static Map<String, NDArray> toArrays(NDManager manager, Map<String, FloatTensor> weights) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      if (e.getKey().startsWith("embeddings.") || e.getKey().startsWith("encoder.")) {
        FloatTensor t = e.getValue();
        NDArray array = manager.create(t.values(), new Shape(t.shape()));
        array.setName(e.getKey());
        arrays.put(e.getKey(), array);
      }
    }
    return arrays;
  }

  /** The shape of this encoder. */
  public BertConfig config() {
    return config;
  }

  /** Every parameter by Hugging Face name (embeddings, layers; no head). */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** The 6 Linear layers of every transformer layer, in order. */
  public List<LinearLayer> linearLayers() {
    return new ArrayList<>(linears.values());
  }

  private NDArray param(String name) {
    NDArray array = parameters.get(name);
    if (array == null) {
      throw new IllegalArgumentException("missing encoder parameter '" + name + "'");
    }
    return array;
  }

  /**
   * The last hidden state [B, L, hidden] for token ids, attention mask and token types (each
   * [B, L], int64). Padding keys are masked out of attention.
   */
  public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {
    long batch = inputIds.getShape().get(0);
    long length = inputIds.getShape().get(1);
    if (length > config.maxSequenceLength()) {
      throw new IllegalArgumentException("sequence length " + length + " exceeds the model's "
          + "maximum of " + config.maxSequenceLength() + " positions");
    }
    int first = config.positionOffset();
    NDArray positions = param("embeddings.position_embeddings.weight")
        .get(first + ":" + (first + length));
    NDArray h = Embedding.embedding(inputIds, param("embeddings.word_embeddings.weight"),
            SparseFormat.DENSE).singletonOrThrow()
        .add(positions)
        .add(Embedding.embedding(tokenTypeIds, param("embeddings.token_type_embeddings.weight"),
            SparseFormat.DENSE).singletonOrThrow());
    h = layerNorm(h, "embeddings.LayerNorm");
    NDArray maskBias = hasPadding(attentionMask)
        ? Scalars.multiply(Scalars.add(attentionMask.toType(DataType.FLOAT32, false).neg(), 1f),
            -1e9f).reshape(batch, 1, 1, length)
        : null;
    for (int l = 0; l < config.layers(); l++) {
      h = layer(l, h, maskBias, batch, length);
    }
    return h;
  }

  private NDArray layer(int l, NDArray h, NDArray maskBias, long batch, long length) {
    String p = "encoder.layer." + l + ".";
    NDArray q = splitHeads(linears.get(p + "attention.self.query").forward(h), batch, length);
    NDArray k = splitHeads(linears.get(p + "attention.self.key").forward(h), batch, length);
    NDArray v = splitHeads(linears.get(p + "attention.self.value").forward(h), batch, length);
    NDArray context = Attention.apply(q, k, v, maskBias).transpose(0, 2, 1, 3)
        .reshape(batch, length, config.hidden());
    NDArray attention = linears.get(p + "attention.output.dense").forward(context);
    // residual sums in place: a Linear's backward never needs its own output
    h = layerNorm(attention.addi(h), p + "attention.output.LayerNorm");
    NDArray inner = linears.get(p + "intermediate.dense").forward(h);
    inner = config.activation().equals("relu") ? Activation.relu(inner) : Activation.gelu(inner);
    NDArray out = linears.get(p + "output.dense").forward(inner);
    return layerNorm(out.addi(h), p + "output.LayerNorm");
  }

  /**
   * Marks {@code attentionMask} with what the host knows about it, so the forward pass need not
   * read the mask back from the device to find out (one synchronisation per batch on a GPU).
   * Returns the mask.
   */
  public static NDArray markPadding(NDArray attentionMask, boolean padded) {
    attentionMask.setName(padded ? MASK_PADDED : MASK_UNPADDED);
    return attentionMask;
  }

  /**
   * True when some token is padding (mask 0); without padding attention needs no mask. A mask
   * marked by {@link #markPadding} is answered on the host; any other is read back.
   */
  static boolean hasPadding(NDArray attentionMask) {
    String mark = attentionMask.getName();
    if (MASK_PADDED.equals(mark) || MASK_UNPADDED.equals(mark)) {
      return MASK_PADDED.equals(mark);
    }
    try (NDArray min = attentionMask.min()) {
      return DeviceSyncs.readLong(min.toType(DataType.INT64, false)) == 0;
    }
  }

  private NDArray splitHeads(NDArray x, long batch, long length) {
    int heads = config.heads();
    return x.reshape(batch, length, heads, config.hidden() / heads).transpose(0, 2, 1, 3);
  }

  private NDArray layerNorm(NDArray x, String name) {
    return LayerNorm.layerNorm(x, new Shape(config.hidden()), param(name + ".weight"),
        param(name + ".bias"), config.layerNormEps()).singletonOrThrow();
  }

  /** Mean of the hidden states over real (mask = 1) tokens: [B, hidden]. */
  public static NDArray meanPool(NDArray hidden, NDArray attentionMask) {
    NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(-1);
    NDArray summed = hidden.mul(mask).sum(new int[] {1});
    return summed.div(Scalars.maximum(mask.sum(new int[] {1}), 1e-9f));
  }
}
