package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slicelab.spark.report.ClaimRulesTest.claim;
import static org.slicelab.spark.report.ClaimRulesTest.collapse;
import static org.slicelab.spark.report.ClaimRulesTest.point;
import static org.slicelab.spark.report.ClaimRulesTest.scored;
import static org.slicelab.spark.report.ClaimRulesTest.seeds;
import static org.slicelab.spark.report.ClaimRulesTest.tables;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Figure 2(a) claims on crafted points: no peak chosen from the data, Bonferroni over the
 * ranks, the sign test and the collapse rule of the decline.
 */
class RankClaimsTest {
  private static final double[] SIX = {0.001, -0.001, 0.0, 0.002, -0.002, 0.001};
  private static final double[] SIX2 = {0.0, 0.001, -0.001, -0.001, 0.0, 0.002};
  private static final double[] THREE = {0.001, -0.001, 0.0};
  private static final double[] THREE2 = {0.0, 0.001, -0.001};

  @Test
  void everyLargerRankIsTestedAgainstTheSmallestWithoutAPeakFromTheData() {
    // validation peaks at rank 16, whose test accuracy equals rank 1's; rank 4 tests 3 points
    // above rank 1 on every seed. A peak chosen on validation would test 16 and see nothing.
    List<Claim> claims = ClaimRules.evaluate(tables(
        point("rank", "slicefine", 1, "1", 0, "slicefine", seeds(0, SIX), seeds(0, SIX)),
        point("rank", "slicefine", 4, "4", 1, "slicefine", seeds(0.03, SIX2), seeds(0.01, SIX)),
        point("rank", "slicefine", 16, "16", 2, "slicefine", seeds(0, SIX2),
            seeds(0.05, SIX))));
    Claim rise = claim(claims, "fig2a_rise");
    assertEquals(Claim.REPRODUCED, rise.verdict(), rise.detail());
    assertEquals(3.0, rise.observed(), 0.05);
    assertTrue(rise.statistic().contains("test(r=4) - test(r=1)"), rise.statistic());
    assertEquals(1 - 0.05, rise.level(), 1e-12, "Bonferroni over 2 ranks: 1 - 2 * 0.05 / 2");
    assertTrue(rise.detail().contains("Bonferroni over the 2 larger rank(s)"), rise.detail());
    // the decline: rank 4 above rank 16 on all six seeds, p = 1/64 <= 0.05 / 2
    Claim decline = claim(claims, "fig2a_decline");
    assertEquals(Claim.REPRODUCED, decline.verdict(), decline.detail());
    assertTrue(decline.statistic().contains("test(r=4) - test(r=16)"), decline.statistic());
    assertTrue(decline.detail().contains("6 of 6 seeds decline"), decline.detail());
    assertEquals(6, decline.n());
  }

  @Test
  void theDeclinesSignTestIsCorrectedOverTheSmallerRanks() {
    // three seeds, all declining from rank 4 to 16: p = 1/8; at 0.05 / 2 per rank a sign test
    // needs six seeds all declining (1/64; five give 1/32 > 0.025)
    List<Claim> three = ClaimRules.evaluate(tables(
        point("rank", "slicefine", 1, "1", 0, "slicefine", seeds(0, THREE), seeds(0, THREE)),
        point("rank", "slicefine", 4, "4", 1, "slicefine", seeds(0.03, THREE2),
            seeds(0.05, THREE)),
        point("rank", "slicefine", 16, "16", 2, "slicefine", seeds(0.01, THREE),
            seeds(0.02, THREE))));
    Claim d3 = claim(three, "fig2a_decline");
    assertEquals(Claim.INCONCLUSIVE, d3.verdict(), d3.detail());
    assertEquals(6, d3.seedsNeeded(), d3.detail());
    assertTrue(d3.detail().contains("p <= 0.025"), d3.detail());
  }

  @Test
  void riseAndDeclineUseOneThresholdBothWays() {
    // test accuracy falls 2 points from rank 1 to rank 8 for every seed
    List<Claim> claims = ClaimRules.evaluate(tables(
        point("rank", "slicefine", 1, "1", 0, "slicefine", seeds(0, THREE), seeds(0, THREE)),
        point("rank", "slicefine", 8, "8", 1, "slicefine", seeds(-0.02, THREE2),
            seeds(0.05, THREE))));
    Claim rise = claim(claims, "fig2a_rise");
    assertEquals(Claim.NOT_REPRODUCED, rise.verdict(), "upper bound below 0: " + rise.detail());
    Claim decline = claim(claims, "fig2a_decline");
    assertEquals(Claim.INCONCLUSIVE, decline.verdict(), "3 of 3 is p = 1/8: " + decline.detail());
    assertEquals(2.0, decline.observed(), 0.15, "the median decline from rank 1 to 8");
  }

  @Test
  void aCollapseAtTheLargerRankCountsAsADecline() {
    int m = 300;
    PanelPoint r1 = scored("rank", "1", 0, "slicefine", m, "fp", 240, 243, 239, 241, 242, 240);
    PanelPoint r8 = scored("rank", "8", 1, "slicefine", m, "fp", 280, 282, 279, 281, 283, 280);
    PanelPoint r128 = scored("rank", "128", 2, "slicefine", m, "fp", 270, 272, 269, 271, 273,
        270);
    // as in the 2026-12-02 run: rank 128 collapsed in seeds 1, 5 and 6, the others declined
    Claim decline = claim(ClaimRules.evaluate(tables(collapse(r1, 1), collapse(r8, 8),
        collapse(r128, 128, 1L, 5L, 6L))), "fig2a_decline");
    assertEquals("128: 3/6 seeds [1, 5, 6]", decline.collapses());
    assertEquals(Claim.REPRODUCED, decline.verdict(), "6 of 6, p = 1/64: " + decline.detail());
    assertEquals(6, decline.n(), "collapses enter the sign test as declines");
    assertTrue(decline.detail().contains("3 by a collapse at the larger rank"), decline.detail());

    // the same collapses at the smaller rank count against the decline
    Claim against = claim(ClaimRules.evaluate(tables(collapse(r1, 1),
        collapse(r8, 8, 1L, 5L, 6L), collapse(r128, 128))), "fig2a_decline");
    assertEquals(Claim.INCONCLUSIVE, against.verdict(), against.detail());
    assertTrue(against.detail().contains("3 of 6 seeds decline (3 rise; 0 by a collapse at the "
        + "larger rank, 3 at the smaller"), against.detail());

    // both collapsed at seed 1: dropped, so five seeds are left
    Claim both = claim(ClaimRules.evaluate(tables(collapse(r1, 1), collapse(r8, 8, 1L),
        collapse(r128, 128, 1L))), "fig2a_decline");
    assertEquals(5, both.n(), both.detail());
    assertTrue(both.detail().contains("seeds [1] collapsed in both arms: dropped"),
        both.detail());
  }

  @Test
  void theRiseTakesACollapsedRunWithItsMeasuredAccuracy() {
    int m = 300;
    PanelPoint r1 = scored("rank", "1", 0, "slicefine", m, "fp", 240, 243, 239);
    PanelPoint r8 = scored("rank", "8", 1, "slicefine", m, "fp", 280, 282, 279);
    // rank 8 collapsed in seed 2: its accuracy (the majority share, 2/3) is below rank 1's
    Claim rise = claim(ClaimRules.evaluate(tables(collapse(r1, 1), collapse(r8, 8, 2L))),
        "fig2a_rise");
    assertEquals(3, rise.n(), rise.detail());
    assertTrue(rise.observed() < 10, "the collapse pulls the mean down: " + rise.observed());
    assertTrue(rise.detail().contains("entered with its measured accuracy"), rise.detail());
  }
}
