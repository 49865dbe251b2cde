package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slicelab.ablations.backbone.vision.ConvLayer;
import org.slicelab.ablations.backbone.vision.ConvSpec;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.train.Autograd;

/**
 * SliceFine's slice on convolutions (3x3, stride 2, TF 'same' padding, which is asymmetric on an
 * 8x8 input), where the layer runs the slice in weight form ({@code W + D} in one convolution):
 * the increment's gradient is the matching slice of the full kernel gradient, the input's
 * gradient is the full layer's, the weight form gives the output form's outputs, and merging
 * keeps the outputs with every entry outside the slice bit-identical. Windows and scattered
 * index sets, rows and columns, Conv2D and depthwise.
 */
class ConvSliceAdapterTest {
  private static final int IN = 5;
  private static final int OUT = 6;
  private NDManager manager;

  @BeforeEach
  void setUp() {
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
    manager.getEngine().setRandomSeed(5);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({"false, ROW, 2 3 4", "false, ROW, 0 3 5", "false, COLUMN, 1 2",
      "false, COLUMN, 0 4", "true, ROW, 1 2 3", "true, ROW, 0 2 4"})
  void weightFormTrainsTheSliceAndMergesExactly(boolean depthwise, SliceAxis axis,
      String list) {
    int[] indices = Arrays.stream(list.split(" ")).mapToInt(Integer::parseInt).toArray();
    NDArray x = manager.randomNormal(new Shape(2, IN, 8, 8));
    int out = depthwise ? IN : OUT;
    NDArray upstream = manager.randomNormal(new Shape(2, out, 4, 4));
    NDArray w = manager.randomNormal(new Shape(out, depthwise ? 1 : IN, 3, 3));
    NDArray b = manager.randomNormal(new Shape(out));

    ConvLayer oracle = conv(depthwise, w, b);
    oracle.weight().setRequiresGradient(true);
    NDArray oracleInput = x.duplicate();
    oracleInput.setRequiresGradient(true);
    backward(oracle, oracleInput, upstream);
    float[] expected = slice(oracle.weight().getGradient(), oracle.weightAxis(axis), indices);

    ConvLayer sliced = conv(depthwise, w, b);
    SliceAdapter adapter = new SliceAdapter(sliced, axis, indices, manager);
    sliced.addAdapter(adapter);
    NDArray input = x.duplicate();
    input.setRequiresGradient(true);
    backward(sliced, input, upstream);
    assertTrue(MethodHarness.maxDiff(expected, adapter.trainable().gradient().toFloatArray())
        < 1e-4, "the increment's gradient is not the slice of the kernel gradient");
    assertTrue(MethodHarness.maxDiff(oracleInput.getGradient().toFloatArray(),
        input.getGradient().toFloatArray()) < 1e-4, "the input's gradient differs");

    adapter.trainable().update(manager.randomNormal(adapter.trainable().gradient().getShape()));
    float[] weightForm = sliced.forward(x).toFloatArray();
    NDArray frozen = sliced.product(x, sliced.weight()).add(b.reshape(1, out, 1, 1));
    float[] outputForm = adapter.apply(x, frozen).toFloatArray();
    assertTrue(MethodHarness.maxDiff(outputForm, weightForm) < 1e-4,
        "weight form and output form differ");

    sliced.mergeAdapters();
    assertEquals(0, sliced.adapters().size());
    assertTrue(MethodHarness.maxDiff(weightForm, sliced.forward(x).toFloatArray()) < 1e-4,
        "merging changed the outputs");
    assertArrayEquals(outside(w, sliced.weightAxis(axis), indices),
        outside(sliced.weight(), sliced.weightAxis(axis), indices),
        "entries outside the slice must stay bit-identical");
  }

  private static ConvLayer conv(boolean depthwise, NDArray w, NDArray b) {
    ConvSpec spec = new ConvSpec(depthwise ? "dw" : "conv", depthwise, new int[] {3, 3},
        new int[] {2, 2}, new int[] {1, 1}, true, depthwise ? 0 : OUT, true, "linear");
    return new ConvLayer(spec, w.duplicate(), b.duplicate());
  }

  private static void backward(ConvLayer layer, NDArray x, NDArray upstream) {
    Autograd.setRecording(true);
    try {
      Autograd.backward(layer.forward(x).mul(upstream).sum());
    } finally {
      Autograd.setRecording(false);
    }
  }

  /** The units {@code indices} of {@code weight} along {@code axis}, in index order. */
  private float[] slice(NDArray weight, int axis, int[] indices) {
    NDArray index = manager.create(Arrays.stream(indices).asLongStream().toArray());
    return weight.get(new NDIndex(axis == 0 ? "{}" : ":, {}", index)).toFloatArray();
  }

  /** The weight with the slice's units set to zero. */
  private float[] outside(NDArray weight, int axis, int[] indices) {
    NDArray copy = weight.duplicate();
    for (int i : indices) {
      copy.set(new NDIndex(axis == 0 ? "{}" : ":, {}", i), 0f);
    }
    return copy.toFloatArray();
  }
}
