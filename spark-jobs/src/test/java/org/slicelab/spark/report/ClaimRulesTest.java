package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Verdicts on crafted panel points: reproduced, not reproduced and inconclusive cases. */
class ClaimRulesTest {
  private static final double[] BASE = {0.90, 0.86, 0.88};

  /** Per-seed values: BASE shifted by {@code shift} plus per-seed noise (fractions). */
  static TreeMap<Long, Double> seeds(double shift, double... noise) {
    TreeMap<Long, Double> m = new TreeMap<>();
    for (int i = 0; i < noise.length; i++) {
      m.put((long) i + 1, BASE[i % BASE.length] + shift + noise[i]);
    }
    return m;
  }

  static PanelPoint point(String table, String series, double x, String label, int order,
      String method, TreeMap<Long, Double> test, TreeMap<Long, Double> val) {
    return new PanelPoint(table, series, x, label, order, method, test, val, 100, 1.0,
        List.of(table + label + series));
  }

  static PanelPoint cat(String table, String label, int order, String method,
      TreeMap<Long, Double> test) {
    return point(table, method, Double.NaN, label, order, method, test, test);
  }

  static Map<String, List<PanelPoint>> tables(PanelPoint... points) {
    Map<String, List<PanelPoint>> m = new LinkedHashMap<>();
    Figure2Panels.DEFS.forEach(d -> m.put(d.key(), new ArrayList<>()));
    for (PanelPoint p : points) {
      m.get(p.table()).add(p);
    }
    return m;
  }

  static Claim claim(List<Claim> claims, String id) {
    return claims.stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no claim " + id + " in " + claims));
  }

  private static final double[] TIGHT = {0.001, -0.001, 0.0};
  private static final double[] TIGHT2 = {0.0, 0.001, -0.001};

  @Test
  void positionsWithinOnePointAreReproducedOutsideAreNot() {
    List<Claim> claims = ClaimRules.evaluate(tables(
        point("position", "row", 0.0, "0", 0, "slicefine", seeds(0, TIGHT), seeds(0, TIGHT)),
        point("position", "row", 0.5, "0.5", 1, "slicefine", seeds(0.002, TIGHT2),
            seeds(0, TIGHT)),
        point("position", "row", 0.999, "0.999", 2, "slicefine", seeds(-0.003, TIGHT),
            seeds(0, TIGHT)),
        point("position", "column", 0.0, "0", 0, "slicefine", seeds(0, TIGHT), seeds(0, TIGHT)),
        point("position", "column", 0.5, "0.5", 1, "slicefine", seeds(-0.05, TIGHT2),
            seeds(0, TIGHT))));
    Claim row = claim(claims, "fig2b_row");
    assertEquals(Claim.REPRODUCED, row.verdict(), row.detail());
    assertEquals(Claim.HOLDS, row.atPointEstimate());
    assertEquals(0.3, row.observed(), 1e-6, "largest |difference| in points");
    assertEquals(3, row.n());
    assertTrue(row.ciLow() >= -1 && row.ciHigh() <= 1, row.toString());
    Claim column = claim(claims, "fig2b_column");
    assertEquals(Claim.NOT_REPRODUCED, column.verdict(), column.detail());
    assertEquals(Claim.FAILS, column.atPointEstimate());
    assertEquals(5.0, column.observed(), 1e-6);
  }

  @Test
  void wideIntervalsOrOneSeedAreInconclusive() {
    // differences +1.5, -1.5, +0.5 points: mean 0.17, interval straddles +-1
    List<Claim> claims = ClaimRules.evaluate(tables(
        cat("wanda", "most", 0, "slicefine", seeds(0, 0, 0, 0)),
        cat("wanda", "least", 1, "slicefine", seeds(0, 0.015, -0.015, 0.005)),
        cat("lth", "good", 0, "slicefine", seeds(0, 0)),
        cat("lth", "bad", 1, "slicefine", seeds(-0.001, 0))));
    Claim wanda = claim(claims, "fig2c");
    assertEquals(Claim.INCONCLUSIVE, wanda.verdict(), wanda.detail());
    assertEquals(Claim.HOLDS, wanda.atPointEstimate(), "the means are 0.17 points apart");
    assertTrue(wanda.ciLow() < -1 && wanda.ciHigh() > 1, wanda.toString());
    Claim lth = claim(claims, "fig2d");
    assertEquals(Claim.INCONCLUSIVE, lth.verdict(), "one seed: no interval");
    assertEquals(1, lth.n());
    assertTrue(Double.isNaN(lth.ciLow()));
    assertEquals(-0.1, lth.observed(), 1e-6, "bad - good, signed");
    assertTrue(lth.detail().contains("no confidence interval"), lth.detail());
  }

  @Test
  void wandaPairsAreAllCompared() {
    List<Claim> claims = ClaimRules.evaluate(tables(
        cat("wanda", "most", 0, "slicefine", seeds(0, TIGHT)),
        cat("wanda", "least", 1, "slicefine", seeds(0.002, TIGHT2)),
        cat("wanda", "mixed", 2, "slicefine", seeds(-0.002, TIGHT)),
        cat("wanda", "random", 3, "slicefine", seeds(0.001, TIGHT2))));
    Claim wanda = claim(claims, "fig2c");
    assertEquals(Claim.REPRODUCED, wanda.verdict(), wanda.detail());
    assertEquals(0.4, wanda.observed(), 1e-6, "max-min spread of the means");
    assertTrue(wanda.detail().contains("all 6 pairs"), wanda.detail());
  }

  @Test
  void rankRiseAndDeclineUseThePeakChosenOnValidation() {
    // validation peaks at rank 4; test: rank 4 is 3 points above rank 1 and 2 above rank 16
    List<Claim> claims = ClaimRules.evaluate(tables(
        point("rank", "slicefine", 1, "1", 0, "slicefine", seeds(0, TIGHT), seeds(0, TIGHT)),
        point("rank", "slicefine", 4, "4", 1, "slicefine", seeds(0.03, TIGHT2),
            seeds(0.05, TIGHT)),
        point("rank", "slicefine", 16, "16", 2, "slicefine", seeds(0.01, TIGHT),
            seeds(0.02, TIGHT))));
    Claim rise = claim(claims, "fig2a_rise");
    Claim decline = claim(claims, "fig2a_decline");
    assertEquals(Claim.REPRODUCED, rise.verdict(), rise.detail());
    assertEquals(3.0, rise.observed(), 1e-6);
    assertEquals(Claim.REPRODUCED, decline.verdict(), decline.detail());
    assertEquals(2.0, decline.observed(), 1e-6);
    assertTrue(rise.detail().contains("r*=4"), rise.detail());
  }

  @Test
  void noDeclineWhenThePeakIsTheLargestRank() {
    List<Claim> claims = ClaimRules.evaluate(tables(
        point("rank", "slicefine", 1, "1", 0, "slicefine", seeds(0, TIGHT), seeds(0, TIGHT)),
        point("rank", "slicefine", 8, "8", 1, "slicefine", seeds(0.001, TIGHT2),
            seeds(0.05, TIGHT))));
    Claim rise = claim(claims, "fig2a_rise");
    Claim decline = claim(claims, "fig2a_decline");
    assertEquals(Claim.NOT_REPRODUCED, rise.verdict(), "a 0.1-point rise is below 1 point: "
        + rise.detail());
    assertEquals(Claim.NOT_REPRODUCED, decline.verdict(), decline.detail());
    assertEquals(0.0, decline.observed(), 1e-9);
    assertEquals(Claim.FAILS, decline.atPointEstimate());
  }

  @Test
  void siftNonInferiorityAndHeadFullGap() {
    PanelPoint head = cat("reference", "head", 0, "head", seeds(-0.10, TIGHT));
    PanelPoint full = cat("reference", "full", 1, "full", seeds(0, TIGHT2));
    List<Claim> ok = ClaimRules.evaluate(tables(head, full,
        point("sift", "sift", 0.001, "0.1%", 0, "sift", seeds(-0.06, TIGHT), seeds(0, TIGHT)),
        point("sift", "sift", 0.01, "1%", 1, "sift", seeds(-0.005, TIGHT), seeds(0, TIGHT)),
        point("sift", "sift", 0.05, "5%", 2, "sift", seeds(0.01, TIGHT), seeds(0, TIGHT))));
    Claim sift = claim(ok, "sift");
    assertEquals(Claim.REPRODUCED, sift.verdict(), sift.detail());
    assertEquals(-0.5, sift.observed(), 1e-6, "best small rate is 1%; 5% does not count");
    Claim gap = claim(ok, "protocol_head_full_gap");
    assertEquals(Claim.REPRODUCED, gap.verdict(), gap.detail());
    assertEquals(10.0, gap.observed(), 1e-6);

    List<Claim> bad = ClaimRules.evaluate(tables(
        cat("reference", "head", 0, "head", seeds(-0.03, TIGHT)), full,
        point("sift", "sift", 0.01, "1%", 0, "sift", seeds(-0.05, TIGHT), seeds(0, TIGHT)),
        point("sift", "sift", 0.05, "5%", 1, "sift", seeds(0, TIGHT), seeds(0, TIGHT))));
    assertEquals(Claim.NOT_REPRODUCED, claim(bad, "sift").verdict(), claim(bad, "sift").detail());
    assertEquals(Claim.NOT_REPRODUCED, claim(bad, "protocol_head_full_gap").verdict());
  }

  @Test
  void missingPanelsAreInconclusiveWithNoData() {
    List<Claim> claims = ClaimRules.evaluate(tables());
    assertEquals(List.of("fig2a_rise", "fig2a_decline", "fig2b", "fig2c", "fig2d", "sift",
        "protocol_head_full_gap"), claims.stream().map(Claim::id).toList());
    for (Claim c : claims) {
      assertEquals(Claim.INCONCLUSIVE, c.verdict(), c.id());
      assertEquals(Claim.NO_DATA, c.atPointEstimate(), c.id());
      assertEquals(0, c.n());
    }
  }
}
