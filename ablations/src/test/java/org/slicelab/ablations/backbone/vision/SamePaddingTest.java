package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slicelab.ablations.train.Autograd;

/**
 * TensorFlow 'same' padding (asymmetric with a stride above 1: the extra row and column go at
 * the bottom and right) for convolutions and pooling, against a direct computation that follows
 * TF's definition position by position.
 */
class SamePaddingTest {

  @ParameterizedTest(name = "{0}x{1} input, kernel {2}, stride {3}, dilation {4}")
  @CsvSource({"8, 8, 3, 2, 1", "7, 9, 3, 2, 1", "8, 6, 2, 2, 1", "9, 9, 5, 3, 1",
      "6, 7, 3, 1, 2", "5, 5, 1, 2, 1", "8, 7, 3, 2, 1", "10, 10, 2, 1, 1", "9, 9, 2, 1, 3",
      "10, 10, 4, 2, 1"})
  void convolutionMatchesTheDirectComputation(int height, int width, int k, int stride,
      int dilation) {
    Padding2d padding = Padding2d.same(height, width, new int[] {k, k},
        new int[] {stride, stride}, new int[] {dilation, dilation});
    int outH = (height + stride - 1) / stride;
    int outW = (width + stride - 1) / stride;
    int total = Math.max((outH - 1) * stride + (k - 1) * dilation + 1 - height, 0);
    assertEquals(total / 2, padding.top());
    assertEquals(total - total / 2, padding.bottom());
    Random random = new Random(3);
    int in = 3;
    int out = 4;
    float[] x = gaussian(random, 2 * in * height * width);
    float[] w = gaussian(random, out * in * k * k);
    float[] b = gaussian(random, out);
    ConvSpec spec = new ConvSpec("conv", false, new int[] {k, k}, new int[] {stride, stride},
        new int[] {dilation, dilation}, true, out, true, "linear");
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ConvLayer layer = new ConvLayer(spec, manager.create(w, new Shape(out, in, k, k)),
          manager.create(b));
      NDArray y = layer.forward(manager.create(x, new Shape(2, in, height, width)));
      assertEquals(new Shape(2, out, outH, outW), y.getShape());
      float[] expected = new float[2 * out * outH * outW];
      int i = 0;
      for (int n = 0; n < 2; n++) {
        for (int o = 0; o < out; o++) {
          for (int r = 0; r < outH; r++) {
            for (int c = 0; c < outW; c++) {
              double sum = b[o];
              for (int ci = 0; ci < in; ci++) {
                for (int dy = 0; dy < k; dy++) {
                  for (int dx = 0; dx < k; dx++) {
                    int yy = r * stride + dy * dilation - padding.top();
                    int xx = c * stride + dx * dilation - padding.left();
                    if (yy >= 0 && yy < height && xx >= 0 && xx < width) {
                      sum += x[((n * in + ci) * height + yy) * width + xx]
                          * w[((o * in + ci) * k + dy) * k + dx];
                    }
                  }
                }
              }
              expected[i++] = (float) sum;
            }
          }
        }
      }
      assertArrayEquals(expected, y.toFloatArray(), 1e-4f);
    }
  }

  @ParameterizedTest(name = "{0}x{0} input, kernel 3, stride 2, depthwise {1}")
  @CsvSource({"8, false", "8, true", "12, true"})
  void asymmetricPaddingInsideTheConvolutionGivesTheExplicitPaddingsGradients(int size,
      boolean depthwise) {
    int channels = 4;
    Padding2d padding = Padding2d.same(size, size, new int[] {3, 3}, new int[] {2, 2},
        new int[] {1, 1});
    assertEquals(List.of(0, 1, 0, 1), List.of(padding.top(), padding.bottom(), padding.left(),
        padding.right()), "TF's extra row and column after: the case the kernel shift handles");
    Random random = new Random(11);
    float[] x = gaussian(random, 2 * channels * size * size);
    int inPerGroup = depthwise ? 1 : channels;
    float[] w = gaussian(random, channels * inPerGroup * 9);
    ConvSpec spec = new ConvSpec("conv", depthwise, new int[] {3, 3}, new int[] {2, 2},
        new int[] {1, 1}, true, depthwise ? 0 : channels, false, "linear");
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Shape kernel = new Shape(channels, inPerGroup, 3, 3);
      NDArray shiftedW = manager.create(w, kernel);
      NDArray explicitW = manager.create(w, kernel);
      NDArray shiftedX = manager.create(x, new Shape(2, channels, size, size));
      NDArray explicitX = manager.create(x, new Shape(2, channels, size, size));
      for (NDArray a : List.of(shiftedW, explicitW, shiftedX, explicitX)) {
        a.setRequiresGradient(true);
      }
      NDArray upstream = manager.randomNormal(new Shape(2, channels, size / 2, size / 2));
      Autograd.setRecording(true);
      NDArray shifted;
      NDArray explicit;
      try {
        shifted = new ConvLayer(spec, shiftedW, null).forward(shiftedX);
        explicit = ai.djl.nn.convolutional.Conv2d.conv2d(padding.apply(explicitX, 0),
            explicitW, null, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1),
            depthwise ? channels : 1).singletonOrThrow();
        Autograd.backward(shifted.mul(upstream).sum());
        Autograd.backward(explicit.mul(upstream).sum());
      } finally {
        Autograd.setRecording(false);
      }
      assertArrayEquals(explicit.toFloatArray(), shifted.toFloatArray(), 1e-5f);
      assertArrayEquals(explicitW.getGradient().toFloatArray(),
          shiftedW.getGradient().toFloatArray(), 1e-4f, "kernel gradient");
      assertArrayEquals(explicitX.getGradient().toFloatArray(),
          shiftedX.getGradient().toFloatArray(), 1e-5f, "input gradient");
    }
  }

  @ParameterizedTest(name = "{0} pool {2} stride {3} over {1}x{1}")
  @CsvSource({"max, 8, 3, 2", "avg, 8, 3, 2", "max, 7, 2, 2", "avg, 7, 3, 1", "avg, 6, 2, 2",
      "avg, 9, 4, 3", "max, 9, 4, 3"})
  void poolingMatchesTheDirectComputation(String kind, int size, int k, int stride) {
    boolean max = kind.equals("max");
    PoolSpec spec = new PoolSpec(max, new int[] {k, k}, new int[] {stride, stride}, true);
    Padding2d padding = spec.padding(size, size);
    int out = (size + stride - 1) / stride;
    Random random = new Random(5);
    float[] x = gaussian(random, 2 * size * size);
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray y = new PoolOp(spec).apply(List.of(manager.create(x, new Shape(1, 2, size, size))));
      float[] expected = new float[2 * out * out];
      int i = 0;
      for (int ch = 0; ch < 2; ch++) {
        for (int r = 0; r < out; r++) {
          for (int c = 0; c < out; c++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            int count = 0;
            for (int dy = 0; dy < k; dy++) {
              for (int dx = 0; dx < k; dx++) {
                int yy = r * stride + dy - padding.top();
                int xx = c * stride + dx - padding.left();
                if (yy >= 0 && yy < size && xx >= 0 && xx < size) {
                  float v = x[(ch * size + yy) * size + xx];
                  acc = max ? Math.max(acc, v) : acc + v;
                  count++;
                }
              }
            }
            expected[i++] = (float) (max ? acc : acc / count);
          }
        }
      }
      assertEquals(new Shape(1, 2, out, out), y.getShape());
      assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
    }
  }

  static float[] gaussian(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
