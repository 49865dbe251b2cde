package org.slicelab.ablations.backbone.vision;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.slicelab.ablations.backbone.FloatTensor;

/**
 * Fresh weights for the random-init control, in the shapes of a network's weights (PyTorch
 * layout, Keras names): He (Kaiming) normal kernels, N(0, 2 / fan_in) with fan_in =
 * {@code in * kh * kw} for a convolution ({@code kh * kw} for a depthwise one) and {@code in} for
 * a Dense; zero biases; batch norm gamma 1, beta 0, running mean 0 and variance 1.
 */
public final class KerasInit {
  private KerasInit() {
  }

  /** Weights shaped like {@code weights}, drawn in their order with {@code seed}. */
  public static Map<String, FloatTensor> randomLike(Map<String, FloatTensor> weights, long seed) {
    Random random = new Random(seed);
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      String name = e.getKey();
      long[] shape = e.getValue().shape();
      float[] v = new float[e.getValue().values().length];
      if (name.endsWith("/kernel") || name.endsWith("/depthwise_kernel")) {
        long fanIn = v.length / shape[0];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * std);
        }
      } else if (name.endsWith("/gamma") || name.endsWith("/moving_variance")) {
        Arrays.fill(v, 1f);
      } else if (!name.endsWith("/bias") && !name.endsWith("/beta")
          && !name.endsWith("/moving_mean")) {
        throw new IllegalArgumentException("no initialiser for weight '" + name + "'");
      }
      out.put(name, new FloatTensor(shape, v));
    }
    return out;
  }
}
