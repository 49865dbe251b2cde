package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.train.Autograd;

/**
 * One adapter on one Linear layer, for both implementations (a contiguous window is added in
 * place; a scattered index set goes through one-hot products): the increment's gradient equals
 * the matching slice of the full weight gradient, and merging gives the same outputs.
 */
class SliceAdapterTest {
  private static final int D_IN = 7;
  private static final int D_OUT = 9;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"ROW, 2 3 4", "ROW, 0 3 8", "COLUMN, 1 2 3", "COLUMN, 0 4 6"})
  void gradientIsTheSliceOfTheFullGradientAndMergeKeepsOutputs(SliceAxis axis, String list) {
    int[] indices = Arrays.stream(list.split(" ")).mapToInt(Integer::parseInt).toArray();
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(11);
      NDArray x = manager.randomNormal(new Shape(2, 5, D_IN));
      NDArray upstream = manager.randomNormal(new Shape(2, 5, D_OUT));
      NDArray w = manager.randomNormal(new Shape(D_OUT, D_IN));
      NDArray b = manager.randomNormal(new Shape(D_OUT));

      LinearLayer oracle = new LinearLayer("oracle", w.duplicate(), b.duplicate());
      oracle.weight().setRequiresGradient(true);
      backward(oracle, x, upstream);
      float[] expected = slice(oracle.weight().getGradient(), axis, indices);

      LinearLayer sliced = new LinearLayer("sliced", w.duplicate(), b.duplicate());
      SliceAdapter adapter = new SliceAdapter(sliced, axis, indices, manager);
      sliced.addAdapter(adapter);
      backward(sliced, x, upstream);
      float[] actual = adapter.trainable().gradient().toFloatArray();
      assertTrue(MethodHarness.maxDiff(expected, actual) < 1e-5,
          "slice gradient differs: " + Arrays.toString(actual));

      adapter.trainable().update(manager.randomNormal(adapter.trainable().gradient().getShape()));
      float[] before = sliced.forward(x).toFloatArray();
      sliced.mergeAdapters();
      assertTrue(MethodHarness.maxDiff(before, sliced.forward(x).toFloatArray()) < 1e-5);
      assertArrayEquals(outside(w, axis, indices), outside(sliced.weight(), axis, indices),
          "entries outside the slice must stay bit-identical");
    }
  }

  /** Back-propagates {@code upstream} through {@code layer}'s forward on {@code x}. */
  private static void backward(LinearLayer layer, NDArray x, NDArray upstream) {
    Autograd.setRecording(true);
    try {
      Autograd.backward(layer.forward(x).mul(upstream).sum());
    } finally {
      Autograd.setRecording(false);
    }
  }

  private static float[] slice(NDArray full, SliceAxis axis, int[] indices) {
    float[] values = full.toFloatArray();
    int r = indices.length;
    float[] out = new float[axis == SliceAxis.ROW ? r * D_IN : D_OUT * r];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < (axis == SliceAxis.ROW ? D_IN : D_OUT); j++) {
        if (axis == SliceAxis.ROW) {
          out[i * D_IN + j] = values[indices[i] * D_IN + j];
        } else {
          out[j * r + i] = values[j * D_IN + indices[i]];
        }
      }
    }
    return out;
  }

  private static float[] outside(NDArray weight, SliceAxis axis, int[] indices) {
    float[] values = weight.toFloatArray();
    for (int index : indices) {
      for (int j = 0; j < (axis == SliceAxis.ROW ? D_IN : D_OUT); j++) {
        values[axis == SliceAxis.ROW ? index * D_IN + j : j * D_IN + index] = 0f;
      }
    }
    return values;
  }
}
