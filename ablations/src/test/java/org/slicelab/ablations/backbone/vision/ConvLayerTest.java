package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.train.Autograd;

/**
 * The {@link org.slicelab.ablations.model.WeightLayer} primitives on convolutions: a product
 * with a part of the weight (r output filters, r input channels, r depthwise channels) equals
 * the matching entries of the full convolution; unit mixing is a per-position matrix product;
 * the calibration statistic sums squares per input channel.
 */
class ConvLayerTest {
  private static final int IN = 5;
  private static final int OUT = 6;
  private NDManager manager;
  private NDArray x;

  @BeforeEach
  void setUp() {
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
    // 8x8 with stride 2 'same': asymmetric padding, the hardest case for parts
    x = random(new Shape(2, IN, 8, 8), 1);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray random(Shape shape, long seed) {
    return manager.create(SamePaddingTest.gaussian(new Random(seed), (int) shape.size()), shape);
  }

  private ConvLayer conv(boolean depthwise) {
    int out = depthwise ? IN : OUT;
    ConvSpec spec = new ConvSpec(depthwise ? "dw" : "conv", depthwise, new int[] {3, 3},
        new int[] {2, 2}, new int[] {1, 1}, true, depthwise ? 0 : OUT, true, "relu6");
    return new ConvLayer(spec, random(new Shape(out, depthwise ? 1 : IN, 3, 3), 2),
        random(new Shape(out), 3));
  }

  @Test
  void unitsTapsAndPartShapes() {
    ConvLayer conv = conv(false);
    assertEquals(OUT, conv.units(SliceAxis.ROW));
    assertEquals(IN, conv.units(SliceAxis.COLUMN));
    assertEquals(9, conv.taps());
    assertFalse(conv.unitsShared());
    assertEquals(1, conv.activationUnitAxis());
    assertEquals(new Shape(2, IN, 3, 3), conv.partShape(SliceAxis.ROW, 2));
    assertEquals(new Shape(OUT, 2, 3, 3), conv.partShape(SliceAxis.COLUMN, 2));
    ConvLayer dw = conv(true);
    assertEquals(IN, dw.units(SliceAxis.ROW));
    assertEquals(IN, dw.units(SliceAxis.COLUMN));
    assertTrue(dw.unitsShared());
    assertEquals(new Shape(2, 1, 3, 3), dw.partShape(SliceAxis.COLUMN, 2));
  }

  @Test
  void forwardIsTheProductPlusBias() {
    ConvLayer conv = conv(false);
    NDArray expected = conv.product(x, conv.weight()).add(conv.bias().reshape(1, OUT, 1, 1));
    assertArrayEquals(expected.toFloatArray(), conv.forward(x).toFloatArray(), 1e-5f);
  }

  @Test
  void rowPartGivesThoseOutputChannels() {
    ConvLayer conv = conv(false);
    NDArray full = conv.product(x, conv.weight());
    NDArray part = conv.product(x, conv.weight().get(new NDIndex("1:4")));
    assertEquals(new Shape(2, 3, 4, 4), part.getShape());
    assertArrayEquals(full.get(new NDIndex(":, 1:4")).toFloatArray(), part.toFloatArray(), 1e-5f);
  }

  @Test
  void columnPartsOfTheInputChannelsSumToTheFullConvolution() {
    ConvLayer conv = conv(false);
    NDArray full = conv.product(x, conv.weight());
    NDArray first = conv.product(x.get(new NDIndex(":, 0:2")),
        conv.weight().get(new NDIndex(":, 0:2")));
    NDArray rest = conv.product(x.get(new NDIndex(":, 2:")),
        conv.weight().get(new NDIndex(":, 2:")));
    assertEquals(full.getShape(), first.getShape());
    assertArrayEquals(full.toFloatArray(), first.add(rest).toFloatArray(), 1e-5f);
  }

  @Test
  void depthwisePartConvolvesItsOwnChannels() {
    ConvLayer dw = conv(true);
    NDArray full = dw.product(x, dw.weight());
    assertEquals(new Shape(2, IN, 4, 4), full.getShape());
    NDArray part = dw.product(x.get(new NDIndex(":, 2:4")), dw.weight().get(new NDIndex("2:4")));
    assertArrayEquals(full.get(new NDIndex(":, 2:4")).toFloatArray(), part.toFloatArray(),
        1e-5f);
  }

  @Test
  void mixUnitsIsAMatrixProductAtEveryPosition() {
    ConvLayer conv = conv(false);
    NDArray m = random(new Shape(IN, 3), 4);
    NDArray mixed = conv.mixUnits(x, m);
    NDArray expected = x.transpose(0, 2, 3, 1).matMul(m).transpose(0, 3, 1, 2);
    assertEquals(new Shape(2, 3, 8, 8), mixed.getShape());
    assertArrayEquals(expected.toFloatArray(), mixed.toFloatArray(), 1e-5f);
  }

  @Test
  void inputUnitSquaresSumOverBatchAndPositions() {
    ConvLayer conv = conv(false);
    float[] values = x.toFloatArray();
    float[] expected = new float[IN];
    for (int i = 0; i < values.length; i++) {
      expected[(i / 64) % IN] += values[i] * values[i];
    }
    assertArrayEquals(expected, conv.inputUnitSquares(x, null).toFloatArray(), 1e-3f);
    NDArray mask = manager.create(new float[] {1, 0}).reshape(2, 1, 1, 1);
    float[] firstOnly = new float[IN];
    for (int i = 0; i < values.length / 2; i++) {
      firstOnly[(i / 64) % IN] += values[i] * values[i];
    }
    assertArrayEquals(firstOnly, conv.inputUnitSquares(x, mask).toFloatArray(), 1e-3f);
  }
}
