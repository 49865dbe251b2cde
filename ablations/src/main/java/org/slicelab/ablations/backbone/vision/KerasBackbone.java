package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.VisionBackbone;
import org.slicelab.ablations.cache.Memo;
import org.slicelab.ablations.data.image.ImageInput;
import org.slicelab.ablations.data.image.ImageNormalization;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;

/**
 * A convolutional image backbone from a TF.js layers {@code model.json} (a built-in nsfwjs
 * model, converted once into the cache, or a user's file). The topology is read and checked on
 * first use of {@link #plan()}; {@link #weights()} reads the shards once and keeps them in
 * PyTorch layout under Keras names ({@code block_1_expand/kernel}, ...), which is how
 * {@link ImageClassifier#parameters()} names them too, plus the batch-norm running statistics
 * and the dropped head's tensors.
 */
public final class KerasBackbone implements VisionBackbone {
  private final String name;
  private final Memo<TfjsModelFile> file;
  private final Memo<Map<String, FloatTensor>> weights = new Memo<>(this::torchWeights);
  private volatile Integer minimumSize;

  /** A backbone called {@code name} whose {@code model.json} {@code modelJson} supplies. */
  public KerasBackbone(String name, Supplier<Path> modelJson) {
    this.name = name;
    this.file = new Memo<>(() -> TfjsModelFile.read(modelJson.get()));
  }

  @Override
  public String name() {
    return name;
  }

  /** The model file, read and checked on first call. */
  public TfjsModelFile file() {
    return file.get();
  }

  /** The checked topology, shapes and backbone cut. */
  public NetworkPlan plan() {
    return file().plan();
  }

  /** The pixel normalisation the network expects. */
  public ImageNormalization normalization() {
    return file().normalization();
  }

  @Override
  public ImageInput input(int imageSize) {
    return new ImageInput(imageSize, minimumImageSize(), normalization());
  }

  /**
   * The smallest square input the network's strides and kernels accept (every layer keeps at
   * least one position), found once from the plan's shape rule.
   */
  public int minimumImageSize() {
    Integer m = minimumSize;
    if (m == null) {
      int size = 1;
      while (size < nativeImageSize() && !accepts(size)) {
        size++;
      }
      minimumSize = m = size;
    }
    return m;
  }

  private boolean accepts(int size) {
    try {
      plan().backboneShapesAt(size);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The network's own (pretraining) input size in pixels: its input layer's height. */
  public int nativeImageSize() {
    return plan().height();
  }

  /** Every Conv2D and DepthwiseConv2D of the backbone as a weight layer; pooled feature width. */
  @Override
  public Architecture architecture() {
    NetworkPlan plan = plan();
    List<Architecture.LayerShape> layers = new ArrayList<>();
    for (KerasLayer layer : plan.backbone()) {
      if (layer.type().equals("Conv2D") || layer.type().equals("DepthwiseConv2D")) {
        boolean depthwise = layer.type().equals("DepthwiseConv2D");
        long[] kernel = plan.weightShapes(layer).get(layer.name()
            + (depthwise ? "/depthwise_kernel" : "/kernel"));
        layers.add(new Architecture.LayerShape(layer.name(), (int) kernel[depthwise ? 2 : 3],
            (int) kernel[2], depthwise, (int) (kernel[0] * kernel[1])));
      }
    }
    return new Architecture(layers, layers.stream().map(Architecture.LayerShape::name).toList(),
        plan.featureChannels());
  }

  @Override
  public Map<String, FloatTensor> weights() {
    return weights.get();
  }

  /** The shards' tensors in PyTorch layout under their Keras names. */
  private Map<String, FloatTensor> torchWeights() {
    Map<String, FloatTensor> torch = new LinkedHashMap<>();
    file().weights().forEach((k, v) -> torch.put(k, KerasLayouts.toTorch(k, v)));
    return Collections.unmodifiableMap(torch);
  }

  @Override
  public String weightsSha256() {
    return file().weightsSha256();
  }

  @Override
  public Map<String, FloatTensor> randomLike(long seed) {
    return KerasInit.randomLike(weights(), seed);
  }

  @Override
  public ImageClassifier create(NDManager manager, Map<String, FloatTensor> weights,
      int numClasses, long headSeed) {
    return ImageClassifier.create(manager, plan(), weights, numClasses, headSeed);
  }

  @Override
  public long save(Classifier model, Path dir, List<String> labelNames,
      Map<String, String> metadata) {
    return TfjsModelWriter.write((ImageClassifier) model, dir, normalization(), labelNames,
        metadata);
  }
}
