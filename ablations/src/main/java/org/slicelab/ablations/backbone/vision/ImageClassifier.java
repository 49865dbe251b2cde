package org.slicelab.ablations.backbone.vision;

import org.slicelab.ablations.data.image.ImageNormalization;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.model.Classifier;

/**
 * An image classifier: a {@link ConvNetwork}'s backbone, global average pooling of its last
 * feature map, and a fresh Linear head named {@value Classifier#HEAD} on the pooled features
 * (the pretrained classification head is dropped, see {@link NetworkPlan}).
 *
 * <p>Inputs are normalised images [B, channels, H, W] ({@link ImageNormalization}); any size the
 * network's strides allow works ({@link NetworkPlan#backboneShapesAt}). The weight layers are
 * every Conv2D and DepthwiseConv2D of the backbone under their Keras names.
 */
public final class ImageClassifier implements Classifier {
  private final ConvNetwork network;
  private final LinearLayer head;

  private ImageClassifier(ConvNetwork network, LinearLayer head) {
    this.network = network;
    this.head = head;
  }

  /**
   * Builds a classifier in {@code manager} from weights in PyTorch layout under Keras names
   * ({@link KerasBackbone#weights}), with a fresh head drawn from N(0, 0.02) with
   * {@code headSeed} and a zero bias (the rule of the text classifier).
   */
  public static ImageClassifier create(NDManager manager, NetworkPlan plan,
      Map<String, FloatTensor> weights, int numClasses, long headSeed) {
    ConvNetwork network = ConvNetwork.create(manager, plan, weights);
    int features = plan.featureChannels();
    Random random = new Random(headSeed);
    float[] w = new float[numClasses * features];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 0.02);
    }
    NDArray weight = manager.create(w, new Shape(numClasses, features));
    NDArray bias = manager.zeros(new Shape(numClasses));
    return new ImageClassifier(network, new LinearLayer(HEAD, weight, bias));
  }

  /** The network (backbone and the dropped head). */
  public ConvNetwork network() {
    return network;
  }

  @Override
  public List<ConvLayer> weightLayers() {
    return network.convLayers();
  }

  @Override
  public LinearLayer head() {
    return head;
  }

  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> all = new LinkedHashMap<>(network.parameters());
    all.put(HEAD + ".weight", head.weight());
    all.put(HEAD + ".bias", head.bias());
    return all;
  }

  @Override
  public NDArray logits(NDList inputs) {
    return head.forward(pooledFeatures(inputs.get(0)));
  }

  /** Globally average-pooled last feature map [B, C] of normalised images [B, 3, H, W]. */
  public NDArray pooledFeatures(NDArray images) {
    return network.pooledFeatures(images);
  }

  /**
   * The logits of the pretrained head this classifier replaces (before its softmax), at the
   * network's own input size: for parity checks against the original model only.
   */
  public NDArray droppedHeadLogits(NDArray images) {
    return network.droppedHeadLogits(images);
  }
}
