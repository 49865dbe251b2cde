package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.method.LinearTraining.Kind;

class FlopCounterTest {
  /** One layer, hidden 4, FFN 8: small enough to count by hand. */
  private static final BertConfig TINY = new BertConfig(10, 4, 1, 2, 8, 16, 2, 1e-12f);

  private static FlopCounter.Flops tiny(String label) {
    // batch 1, length 2: 2 tokens
    return FlopCounter.count(BenchMethod.parse(label, 1, 8).spec(), TINY, 1, 2);
  }

  @Test
  void fullFineTuningIsExactlyThreeForwards() {
    FlopCounter.Flops full = tiny("full");
    // Linears 4 x (2*2*4*4) + 2 x (2*2*4*8) = 512; attention 2 x (2*1*2*2*4) = 64; head 2*1*4*2
    assertEquals(512 + 64 + 16, full.forward());
    assertEquals(512 + 4 * 32 + 16, full.activationBackward());
    assertEquals(512 + 16, full.weightGradient());
    assertEquals(3 * full.forward(), full.total());
  }

  @Test
  void headOnlyIsForwardPlusTheHeadGradient() {
    FlopCounter.Flops head = tiny("head");
    assertEquals(592, head.forward());
    assertEquals(0, head.activationBackward());
    assertEquals(16, head.weightGradient());
  }

  @Test
  void productsCarryTheirShapesAndLayouts() {
    // batch 1, length 3: 3 tokens; 2 heads of 2, so attention's [L, L] and [L, dh] differ
    var products = FlopCounter.products(BenchMethod.parse("slicefine_r1_row", 1, 8).spec(),
        TINY, 1, 3);
    // the query's forward x W^T: [3 tokens, 4] x [4, 4] read transposed
    assertEquals(new FlopCounter.Product(FlopCounter.Part.FORWARD, 1, 3, 4, 4, false, true),
        products.get(0));
    // attention scores q k^T: batch x heads = 2 products of [3, 2] x [2, 3]; context P v
    assertTrue(products.contains(new FlopCounter.Product(FlopCounter.Part.FORWARD, 2, 3, 2, 3,
        false, true)), products.toString());
    assertTrue(products.contains(new FlopCounter.Product(FlopCounter.Part.FORWARD, 2, 3, 3, 2,
        false, false)), products.toString());
    // the query slice's gradient dD = dY_r^T x: [1, 3 tokens] x [3 tokens, 4]
    assertTrue(products.contains(new FlopCounter.Product(FlopCounter.Part.WEIGHT_GRADIENT, 1, 1,
        3, 4, true, false)), products.toString());
    assertTrue(products.stream().filter(p -> p.part() == FlopCounter.Part.WEIGHT_GRADIENT)
        .allMatch(FlopCounter.Product::transposedA), "dW = dY^T x reads dY transposed");
    assertEquals(products.get(0).shapeKey(), new FlopCounter.Product(
        FlopCounter.Part.WEIGHT_GRADIENT, 1, 3, 4, 4, false, true).shapeKey());
  }

  @Test
  void attentionGradientsOnlyWhereTheirInputsTrain() {
    // only the query trains, fully; embeddings frozen: key and value need no gradient
    List<FlopCounter.LinearPlan> linears = new ArrayList<>();
    for (String name : TINY.linearShapes().keySet()) {
      int[] shape = TINY.linearShapes().get(name);
      linears.add(new FlopCounter.LinearPlan(name, shape[0], shape[1],
          name.endsWith("query") ? Kind.FULL : Kind.FROZEN, 0));
    }
    FlopCounter.Flops flops = FlopCounter.count(new FlopCounter.Plan(linears, false), TINY, 1, 2,
        2);
    // dq = dS k (32) and dP = dC v^T (32), but no dk and no dv; dX through attention output
    // (64), intermediate (128), output (128); head dX (16). The query's own input is frozen.
    assertEquals(32 + 32 + 64 + 128 + 128 + 16, flops.activationBackward());
    assertEquals(64 + 16, flops.weightGradient());   // the query's dW (2*2*4*4) and the head's
  }

  @Test
  void rowSliceCountedByHand() {
    FlopCounter.Flops slice = tiny("slicefine_r1_row");
    // slice product x D^T (2*T*d_in*r) per Linear; the window is added in place (no FLOPs)
    assertEquals(592 + 4 * 16 + 16 + 32, slice.forward());
    // dX through o/intermediate/output (base + 2*T*d_in*r) but not through query/key/value,
    // whose input is the frozen embedding output; 4 attention grads (128); head dX (16)
    assertEquals(80 + 144 + 160 + 128 + 16, slice.activationBackward());
    assertEquals(16 * 4 + 16 + 32 + 16, slice.weightGradient());
  }

  @Test
  void columnSliceAndLoraCountedByHand() {
    FlopCounter.Flops column = tiny("slicefine_r1_column");
    // x[..., window] D^T: 2*T*r*d_out per Linear = 16*4 + 32 + 16 (the window is a view)
    assertEquals(592 + 112, column.forward());
    // dD = dY^T x[..., window]: 2*T*d_out*r per Linear = 16*4 + 32 + 16, + head 16
    assertEquals(128, column.weightGradient());
    // dX via W and dY D: o: 64+16, intermediate: 128+32, output: 128+16, attention 128, head 16
    assertEquals(80 + 160 + 144 + 128 + 16, column.activationBackward());
    FlopCounter.Flops lora = tiny("lora_r1");
    assertEquals(816, lora.forward());
    assertEquals(32 * 4 + 48 + 48 + 16, lora.weightGradient());
    assertEquals(112 + 80 + 144 + 160 + 128 + 16, lora.activationBackward());
  }

  @Test
  void siftFormsFullWeightGradientsWithoutEmbeddingBackward() {
    FlopCounter.Flops sift = tiny("sift_1pct");
    assertEquals(592, sift.forward());
    assertEquals(512 + 16, sift.weightGradient());
    // no dX for query/key/value (3 x 64)
    assertEquals(656 - 192, sift.activationBackward());
  }

  @Test
  void miniLmSliceFloorIsAboutTwoThirdsOfFull() {
    BertConfig c = BertConfig.miniLm();
    long full = FlopCounter.count(BenchMethod.parse("full", 16, 128).spec(), c, 16, 128).total();
    long fwd = FlopCounter.count(BenchMethod.parse("full", 16, 128).spec(), c, 16, 128)
        .forward();
    // 16 x 128 tokens: 6 x 2T(4d^2 + 2df) + 6 x 4BL^2d + head
    assertEquals(6L * 2 * 2048 * (4 * 384 * 384 + 2 * 384 * 1536) + 6L * 4 * 16 * 128 * 128 * 384
        + 2L * 16 * 384 * 2, fwd);
    double slice = FlopCounter.count(BenchMethod.parse("slicefine_r5_row", 16, 128).spec(), c,
        16, 128).total() / (double) full;
    assertTrue(slice > 0.64 && slice < 0.70, "slice/full FLOPs " + slice);
    double head = FlopCounter.count(BenchMethod.parse("head", 16, 128).spec(), c, 16, 128)
        .total() / (double) full;
    assertEquals(1 / 3.0, head, 1e-4);
  }

  @Test
  void unknownLabelsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> BenchMethod.parse("slicefine_r5", 16, 128));
    assertThrows(IllegalArgumentException.class,
        () -> BenchMethod.parseList("full,full", 16, 128));
    assertEquals(0.008, (Double) BenchMethod.parse("sift_0.8pct", 16, 128).spec()
        .get("sift_rate"), 1e-12);
  }
}
