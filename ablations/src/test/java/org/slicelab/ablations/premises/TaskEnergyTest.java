package org.slicelab.ablations.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskEnergyTest {
  private final NDManager manager = NDManager.newBaseManager("PyTorch");

  @AfterEach
  void close() {
    manager.close();
  }

  /**
   * A full factorial design: coordinate 0 is the class (+-1), coordinate 1 is +-10 and
   * coordinate 2 is +-0.1 regardless of class. S_T = N diag(1, 100, 0.01), S_B = N diag(1, 0, 0):
   * the top principal direction (coordinate 1) holds no between-class scatter, the top two all.
   * Texts: 8 examples of 3 positions, the last one padding with garbage values.
   */
  private float[][][] design() {
    float[][][] x = new float[8][3][3];
    for (int e = 0; e < 8; e++) {
      for (int t = 0; t < 2; t++) {
        x[e][t][0] = e % 2 == 0 ? -1 : 1;
        x[e][t][1] = (e / 2) % 2 == 0 ? -10 : 10;
        x[e][t][2] = t == 0 ? -0.1f : 0.1f;
      }
      x[e][2] = new float[] {500, -300, 77};
    }
    return x;
  }

  private NDArray labels() {
    return manager.create(new int[] {0, 1, 0, 1, 0, 1, 0, 1});
  }

  private void assertKnownAnswer(TaskEnergy energy) {
    assertEquals(16, energy.samples());
    assertEquals(0.0, energy.betweenShare()[0], 1e-9);
    assertEquals(1.0, energy.betweenShare()[1], 1e-9);
    assertEquals(100 / 101.01, energy.varianceShare()[0], 1e-6);
    assertEquals(101 / 101.01, energy.varianceShare()[1], 1e-6);
    assertEquals(2, energy.kHolding(0.9));
  }

  @Test
  void betweenClassSharesOfTextInputsHaveTheKnownAnswerAndPaddingIsIgnored() {
    ClassScatter scatter = new ClassScatter(3, -1, 2, manager);
    NDArray x = manager.create(flatten(design()), new Shape(8, 3, 3));
    NDArray mask = manager.create(new float[] {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0,
        1, 1, 0, 1, 1, 0, 1, 1, 0}, new Shape(8, 3, 1));
    scatter.add(x.get(":4"), labels().get(":4"), mask.get(":4"));
    scatter.add(x.get("4:"), labels().get("4:"), mask.get("4:"));
    assertKnownAnswer(scatter.energy());
  }

  @Test
  void aLargeCommonOffsetChangesNothing() {
    // float32 products of samples around 1e3 would lose the +-0.1 coordinate without the shift
    ClassScatter scatter = new ClassScatter(3, 1, 2, manager);
    NDArray x = manager.create(flatten(design()), new Shape(8, 3, 3)).get(":, :2, :")
        .transpose(0, 2, 1).reshape(8, 3, 1, 2).add(1e3f);
    scatter.add(x.get(":3"), labels().get(":3"), null);
    scatter.add(x.get("3:"), labels().get("3:"), null);
    assertKnownAnswer(scatter.energy());
  }

  @Test
  void imageInputsCarryTheirUnitsOnAxisOne() {
    ClassScatter scatter = new ClassScatter(3, 1, 2, manager);
    // [8, 3 channels, 1, 2]: the two real positions of each example as pixels
    NDArray x = manager.create(flatten(design()), new Shape(8, 3, 3)).get(":, :2, :")
        .transpose(0, 2, 1).reshape(8, 3, 1, 2);
    scatter.add(x, labels(), null);
    assertKnownAnswer(scatter.energy());
  }

  @Test
  void aDataSetWithOneClassIsRefused() {
    NDArray second = manager.eye(2).toType(DataType.FLOAT64, false);
    NDArray sums = manager.create(new double[][] {{1, 1}, {0, 0}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TaskEnergy.of(second, sums, new double[] {4, 0}));
    assertTrue(e.getMessage().contains("two classes"), e.getMessage());
  }

  private static float[] flatten(float[][][] x) {
    float[] out = new float[8 * 3 * 3];
    int k = 0;
    for (float[][] e : x) {
      for (float[] t : e) {
        for (float v : t) {
          out[k++] = v;
        }
      }
    }
    return out;
  }
}
