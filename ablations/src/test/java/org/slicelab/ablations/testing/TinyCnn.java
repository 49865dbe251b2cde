package org.slicelab.ablations.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.ImageClassifier;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.backbone.vision.TinyKerasModel;
import org.slicelab.ablations.data.image.ImageExamples;
import org.slicelab.ablations.data.image.ImageNormalization;
import org.slicelab.ablations.model.ClassifierFactory;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.model.WeightLayer;

/**
 * A tiny MobileNetV2-like CNN in TF.js layers format and tiny images, for fast semantic tests of
 * the methods on convolutions (the vision counterpart of {@link TinyModels}). Input 8 x 8 x 3:
 *
 * <pre>
 * conv1    Conv2D 3x3, stride 2, 'same' (asymmetric), 6 filters, no bias  [6, 3, 3, 3]
 * bn1      BatchNormalization (gamma, beta, running statistics), ReLU6
 * dw       DepthwiseConv2D 3x3, 'same', bias                              [6, 1, 3, 3]
 * bn2      BatchNormalization, ReLU6
 * project  Conv2D 1x1, 6 filters, bias, linear                            [6, 6, 1, 1]
 * add      Add(relu1, project)
 * expand   Conv2D 3x3, 'same', 8 filters, bias                            [8, 6, 3, 3]
 * out_relu ReLU6 (the feature map: 8 channels at 4 x 4)
 * gap, dense: the pretrained head the classifier drops
 * </pre>
 */
public final class TinyCnn {
  /** Side of the images. */
  public static final int SIZE = 8;
  /** Classes of the images (and the head). */
  public static final int CLASSES = 3;
  /** The convolutions in model order. */
  public static final String[] LAYERS = {"conv1", "dw", "project", "expand"};

  private TinyCnn() {
  }

  /** Writes the model ({@code model.json} and one float32 shard) into {@code dir}. */
  public static Path write(Path dir) {
    TinyKerasModel m = new TinyKerasModel();
    m.layer("input_1", "InputLayer", "{\"batch_input_shape\": [null, 8, 8, 3]}");
    m.layer("conv1", "Conv2D", "{\"filters\": 6, \"kernel_size\": [3, 3], \"strides\": [2, 2], "
        + "\"padding\": \"same\", \"use_bias\": false, \"activation\": \"linear\"}", "input_1");
    m.weight("conv1/kernel", 3, 3, 3, 6);
    batchNorm(m, "bn1", 6, "conv1");
    m.layer("relu1", "ReLU", "{\"max_value\": 6}", "bn1");
    m.layer("dw", "DepthwiseConv2D", "{\"kernel_size\": [3, 3], \"strides\": [1, 1], "
        + "\"padding\": \"same\", \"depth_multiplier\": 1, \"use_bias\": true}", "relu1");
    m.weight("dw/depthwise_kernel", 3, 3, 6, 1);
    m.weight("dw/bias", 6);
    batchNorm(m, "bn2", 6, "dw");
    m.layer("relu2", "ReLU", "{\"max_value\": 6}", "bn2");
    m.layer("project", "Conv2D", "{\"filters\": 6, \"kernel_size\": 1, \"use_bias\": true, "
        + "\"activation\": \"linear\"}", "relu2");
    m.weight("project/kernel", 1, 1, 6, 6);
    m.weight("project/bias", 6);
    m.layer("add", "Add", "{}", "relu1", "project");
    m.layer("expand", "Conv2D", "{\"filters\": 8, \"kernel_size\": [3, 3], \"padding\": "
        + "\"same\", \"use_bias\": true, \"activation\": \"linear\"}", "add");
    m.weight("expand/kernel", 3, 3, 6, 8);
    m.weight("expand/bias", 8);
    m.layer("out_relu", "ReLU", "{\"max_value\": 6}", "expand");
    m.layer("gap", "GlobalAveragePooling2D", "{}", "out_relu");
    m.layer("dense", "Dense", "{\"units\": 5, \"activation\": \"softmax\"}", "gap");
    m.weight("dense/kernel", 8, 5);
    m.weight("dense/bias", 5);
    return m.write(dir, false);
  }

  private static void batchNorm(TinyKerasModel m, String name, int channels, String input) {
    m.layer(name, "BatchNormalization", "{\"axis\": -1, \"epsilon\": 0.001, \"center\": true, "
        + "\"scale\": true}", input);
    m.positive(name + "/gamma", channels);
    m.weight(name + "/beta", channels);
    m.weight(name + "/moving_mean", channels);
    m.positive(name + "/moving_variance", channels);
  }

  /** The model written into {@code dir} as a backbone named {@code tiny-cnn}. */
  public static KerasBackbone backbone(Path dir) {
    Path json = write(dir);
    return new KerasBackbone("tiny-cnn", () -> json);
  }

  /** Fresh classifiers from the backbone's weights (what lottery-ticket rounds rewind to). */
  public static ClassifierFactory classifiers(KerasBackbone backbone) {
    return (manager, classes, headSeed) -> backbone.create(manager, backbone.weights(), classes,
        headSeed);
  }

  /**
   * {@code n} RGB images of {@link #SIZE} pixels normalised to [-1, 1] (so that every unit of
   * the random network is active somewhere): uniform noise plus a 3 x 3 patch, bright in one
   * channel and dark in the others, whose place and colour give the class.
   */
  public static ImageExamples images(int n, long seed) {
    Random random = new Random(seed);
    int plane = SIZE * SIZE;
    byte[][] pixels = new byte[n][3 * plane];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(CLASSES);
      labels[i] = label;
      for (int k = 0; k < pixels[i].length; k++) {
        pixels[i][k] = (byte) random.nextInt(256);
      }
      int top = label == 2 ? 5 : 0;
      int left = label == 1 ? 5 : 2;
      for (int c = 0; c < 3; c++) {
        for (int y = top; y < top + 3; y++) {
          for (int x = left; x < left + 3; x++) {
            pixels[i][c * plane + y * SIZE + x] = (byte) (c == label ? 230 + random.nextInt(26)
                : random.nextInt(26));
          }
        }
      }
    }
    return new ImageExamples(SIZE, pixels, labels, ImageNormalization.MINUS_ONE_TO_ONE);
  }

  /**
   * Every array of the model by name (kernels, biases, batch-norm parameters and running
   * statistics, the dropped head; then {@code classifier.weight} and {@code classifier.bias}),
   * copied to the host.
   */
  public static Map<String, float[]> snapshot(ImageClassifier model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    model.network().arrays().forEach((name, array) -> out.put(name, array.toFloatArray()));
    out.put("classifier.weight", model.head().weight().toFloatArray());
    out.put("classifier.bias", model.head().bias().toFloatArray());
    return out;
  }

  /** The name under which {@link #snapshot} keeps a convolution's kernel. */
  public static String kernelName(WeightLayer layer) {
    return layer.name() + (layer.unitsShared() ? "/depthwise_kernel" : "/kernel");
  }

  /** The layer of {@code model} called {@code name}. */
  public static ConvLayer layer(ImageClassifier model, String name) {
    return model.weightLayers().stream().filter(l -> l.name().equals(name)).findFirst()
        .orElseThrow();
  }

  /**
   * The unit of {@code axis} that flat entry {@code k} of {@code layer}'s stored weight
   * ([rows, inputs, taps]; depthwise [channels, 1, taps]) belongs to.
   */
  public static int unitOf(WeightLayer layer, SliceAxis axis, int k) {
    int taps = layer.taps();
    int inputs = layer.unitsShared() ? 1 : layer.units(SliceAxis.COLUMN);
    int row = k / (inputs * taps);
    if (axis == SliceAxis.ROW || layer.unitsShared()) {
      return row;
    }
    return (k / taps) % inputs;
  }

  /** Bit equality of two float arrays (NaN-safe, -0 differs from 0). */
  public static boolean bitIdentical(float[] a, float[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return false;
      }
    }
    return true;
  }
}
