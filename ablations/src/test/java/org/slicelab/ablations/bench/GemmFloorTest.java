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
  void eachDistinctShapeIsTimedOncePerPassAndSummedPerUse() {
    Product sameShapeOtherPart = new Product(Part.ACTIVATION_BACKWARD, 1, 6, 5, 3, false, false);
    try (GemmFloor floor = new GemmFloor(List.of(PLAIN, sameShapeOtherPart, TRANSPOSED_A,
        BATCHED_B))) {
      assertEquals(3, floor.shapes(), "layout and batch make a shape distinct, the part does not");
      floor.timePass(false);
      assertEquals(0, floor.samples(PLAIN), "a warm-up pass records nothing");
      assertThrows(IllegalStateException.class, () -> floor.floorMs(List.of(PLAIN)));
      floor.timePass(true);
      floor.timePass(true);
      for (Product p : List.of(PLAIN, sameShapeOtherPart, TRANSPOSED_A, BATCHED_B)) {
        assertEquals(2, floor.samples(p), "one timing per shape per pass: " + p);
      }
      double plain = floor.floorMs(List.of(PLAIN));
      assertEquals(2 * plain, floor.floorMs(List.of(PLAIN, sameShapeOtherPart)), 1e-12,
          "a shape used twice counts twice");
      assertEquals(plain + floor.floorMs(List.of(TRANSPOSED_A))
          + floor.floorMs(List.of(BATCHED_B)),
          floor.floorMs(List.of(PLAIN, TRANSPOSED_A, BATCHED_B)), 1e-9, "the floor is a sum");
      Product unknown = new Product(Part.FORWARD, 1, 7, 5, 3, false, false);
      assertEquals(0, floor.samples(unknown));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> floor.floorMs(List.of(unknown)));
      assertTrue(e.getMessage().contains("7 x 5 by 5 x 3"), e.getMessage());
    }
  }
}
