package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.bench.FlopCounter.Part;
import org.slicelab.ablations.bench.FlopCounter.Product;
import org.slicelab.ablations.train.Autograd;

/** {@link GemmFloor}: operands of every layout, one timing per distinct shape. */
class GemmFloorTest {
  private static final Product PLAIN = new Product(Part.FORWARD, 1, 6, 5, 3, false, false);
  private static final Product TRANSPOSED_A = new Product(Part.WEIGHT_GRADIENT, 1, 6, 5, 3, true,
      false);
  private static final Product BATCHED_B = new Product(Part.FORWARD, 4, 6, 5, 3, false, true);

  @Test
  void operandsHaveTheProductsShapesInEveryLayout() {
    Autograd.ensureEngine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (Product p : List.of(PLAIN, TRANSPOSED_A, BATCHED_B)) {
        NDArray a = GemmFloor.operand(m, p.batch(), p.m(), p.k(), p.transposedA());
        NDArray b = GemmFloor.operand(m, p.batch(), p.k(), p.n(), p.transposedB());
        Shape expected = p.batch() > 1 ? new Shape(p.batch(), p.m(), p.n())
            : new Shape(p.m(), p.n());
        assertEquals(expected, a.matMul(b).getShape(), p.toString());
      }
      // stored as [k, m] and read through a transposed view
      NDArray a = GemmFloor.operand(m, 1, 6, 5, true);
      assertEquals(new Shape(6, 5), a.getShape());
    }
  }

  @Test
  void eachDistinctShapeIsTimedOnceAndSummedPerUse() {
    GemmFloor floor = new GemmFloor(0, 2);
    Product sameShapeOtherPart = new Product(Part.ACTIVATION_BACKWARD, 1, 6, 5, 3, false, false);
    double one = floor.floorMs(List.of(PLAIN));
    double twice = floor.floorMs(List.of(PLAIN, sameShapeOtherPart));
    assertEquals(2 * one, twice, 1e-12, "the second use reuses the first timing");
    assertEquals(1, floor.shapesTimed());
    double all = floor.floorMs(List.of(PLAIN, TRANSPOSED_A, BATCHED_B));
    assertEquals(3, floor.shapesTimed(), "layout and batch make a shape distinct");
    assertTrue(all > one && Double.isFinite(all), "floor " + all);
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new GemmFloor(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> new GemmFloor(0, 0));
  }
}
