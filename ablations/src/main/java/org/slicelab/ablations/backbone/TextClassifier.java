package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slicelab.ablations.model.Classifier;

/**
 * A sequence classifier: {@link BertEncoder}, mean pooling over real tokens, and a Linear head
 * named {@code classifier} (as in Hugging Face's {@code BertForSequenceClassification}). Its
 * inputs are token ids, attention mask and token types; its weight layers the encoder's Linears.
 */
public final class TextClassifier implements Classifier {

  private final BertEncoder encoder;
  private final LinearLayer head;

  private TextClassifier(BertEncoder encoder, LinearLayer head) {
    this.encoder = encoder;
    this.head = head;
  }

  /**
   * Builds a classifier in {@code manager} from host weights, with a fresh head drawn from
   * N(0, 0.02) with {@code headSeed} and a zero bias.
   */
  public static TextClassifier create(NDManager manager, BertConfig config,
      Map<String, FloatTensor> encoderWeights, int numClasses, long headSeed) {
    BertEncoder encoder = new BertEncoder(config, BertEncoder.toArrays(manager, encoderWeights));
    Random random = new Random(headSeed);
    float[] w = new float[numClasses * config.hidden()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 0.02);
    }
    NDArray weight = manager.create(w, new Shape(numClasses, config.hidden()));
    NDArray bias = manager.zeros(new Shape(numClasses));
    return new TextClassifier(encoder, new LinearLayer(HEAD, weight, bias));
  }

  /** The encoder. */
  public BertEncoder encoder() {
    return encoder;
  }

  /** The classification head. */
  @Override
  public LinearLayer head() {
    return head;
  }

  @Override
  public List<LinearLayer> weightLayers() {
    return encoder.linearLayers();
  }

  /** Encoder Linear layers followed by the head. */
  public List<LinearLayer> allLinearLayers() {
    List<LinearLayer> layers = encoder.linearLayers();
    layers.add(head);
    return layers;
  }

  /** Every parameter by Hugging Face name, the head's last. */
  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> all = new LinkedHashMap<>(encoder.parameters());
    all.put(HEAD + ".weight", head.weight());
    all.put(HEAD + ".bias", head.bias());
    return all;
  }

  /** Class logits for token ids, attention mask and token types (as {@code EncodedDataset} uploads them). */
  @Override
  public NDArray logits(NDList inputs) {
    return logits(inputs.get(0), inputs.get(1), inputs.get(2));
  }

  /** The attention mask [B, L, 1] as floats: padding tokens do not count in calibration. */
  @Override
  public NDArray calibrationMask(NDList inputs) {
    return inputs.get(1).toType(DataType.FLOAT32, false).expandDims(-1);
  }

  /** Class logits [B, classes]. */
  public NDArray logits(NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {
    NDArray hidden = encoder.forward(inputIds, attentionMask, tokenTypeIds);
    return head.forward(BertEncoder.meanPool(hidden, attentionMask));
  }

  /** Copies every parameter to host tensors (for export and tests). */
  public Map<String, FloatTensor> toHost() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : parameters().entrySet()) {
      out.put(e.getKey(), new FloatTensor(e.getValue().getShape().getShape(),
          e.getValue().toFloatArray()));
    }
    return out;
  }

  /**
   * Host weights re-initialised as Hugging Face initialises BERT: N(0, 0.02) for matrices and
   * embeddings, ones for LayerNorm scales, zeros for biases (the "random init" control).
   */
  public static Map<String, FloatTensor> randomLike(Map<String, FloatTensor> weights, long seed) {
    Random random = new Random(seed);
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      String name = e.getKey();
      float[] v = new float[e.getValue().values().length];
      if (name.contains("LayerNorm") && name.endsWith(".weight")) {
        java.util.Arrays.fill(v, 1f);
      } else if (!name.endsWith(".bias")) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * 0.02);
        }
      }
      out.put(name, new FloatTensor(e.getValue().shape(), v));
    }
    return out;
  }
}
