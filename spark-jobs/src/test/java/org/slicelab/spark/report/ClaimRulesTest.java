package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slicelab.spark.stats.LookPlan;
import org.slicelab.spark.stats.PairedEstimate;

/**
 * Verdicts on crafted panel points: reproduced, not reproduced and inconclusive cases, the sign
 * of the shown statistic, pairing by test examples, collapses, and the look plan.
 */
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

  /**
   * A point whose trials carry per-example test outcomes: {@code right[s]} examples of
   * {@code m} correct for seed s+1 (the first ones), on test examples with {@code fingerprint}.
   */
  static PanelPoint scored(String table, String label, int order, String method, int m,
      String fingerprint, int... right) {
    TreeMap<Long, Double> test = new TreeMap<>();
    TreeMap<Long, TrialPoint> trials = new TreeMap<>();
    for (int s = 0; s < right.length; s++) {
      long seed = s + 1;
      int[] labels = new int[m];
      int[] predicted = new int[m];
      for (int i = 0; i < m; i++) {
        labels[i] = i % 3 == 0 ? 1 : 0;
        predicted[i] = i < right[s] ? labels[i] : 1 - labels[i];
      }
      ExampleOutcomes o = ExampleOutcomes.of(fingerprint, labels, predicted);
      test.put(seed, o.accuracy());
      trials.put(seed, new TrialPoint(table, table, table + label + seed, seed, Map.of(),
          o.accuracy(), o.accuracy(), 100, 1.0, 0, fingerprint, o));
    }
    return new PanelPoint(table, method, Double.NaN, label, order, method, test, test, 100, 1.0,
        List.of(table + label), trials);
  }

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
    assertEquals(Claim.REPRODUCED, row.verdictWide());
    assertEquals(Claim.HOLDS, row.atPointEstimate());
    // the deciding comparison is the one whose interval reaches furthest out: 0.5 - 0 (mean
    // +0.2 but noisy) rather than 0.999 - 0 (-0.3 every seed, zero width)
    assertEquals(0.2, row.observed(), 1e-6, row.statistic());
    assertTrue(row.statistic().contains("0.5 - 0"), row.statistic());
    assertEquals(3, row.n());
    assertTrue(row.ciLow() > -1 && row.ciHigh() < 1, row.toString());
    assertEquals(0.9, row.level(), 1e-12, "TOST at alpha 0.05 shows the 90% interval");
    assertEquals(0, row.seedsNeeded());
    Claim column = claim(claims, "fig2b_column");
    assertEquals(Claim.NOT_REPRODUCED, column.verdict(), column.detail());
    assertEquals(Claim.FAILS, column.atPointEstimate());
    assertEquals(-5.0, column.observed(), 1e-6, "signed: 0.5 is 5 points below the anchor");
  }

  @Test
  void theShownStatisticKeepsItsSignAndSitsInsideItsInterval() {
    // the bug: a mean of -2.25 was printed as +2.25 next to an interval around -2.25
    List<Claim> claims = ClaimRules.evaluate(tables(
        cat("lth", "good", 0, "slicefine", seeds(0, 0.01, -0.01, 0.0)),
        cat("lth", "bad", 1, "slicefine", seeds(-0.0225, 0.0, 0.0, 0.0))));
    Claim lth = claim(claims, "fig2d");
    assertEquals(-2.25, lth.observed(), 1e-6);
    assertTrue(lth.ciLow() < lth.observed() && lth.observed() < lth.ciHigh(), lth.toString());
    assertTrue(lth.detail().contains("bad - good = -2.25"), lth.detail());
  }

  @Test
  void wideIntervalsOrOneSeedAreInconclusiveWithSeedsNeeded() {
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
    assertTrue(wanda.seedsNeeded() > 3 && wanda.seedsNeeded() <= ClaimSettings.SEEDS_CAP,
        "at sd 1.53 and mean 0.17 a +-1 TOST needs some 10 seeds: " + wanda.seedsNeeded());
    Claim lth = claim(claims, "fig2d");
    assertEquals(Claim.INCONCLUSIVE, lth.verdict(), "one seed: no interval");
    assertEquals(1, lth.n());
    assertTrue(Double.isNaN(lth.ciLow()));
    assertEquals(-0.1, lth.observed(), 1e-6, "bad - good, signed");
    assertTrue(lth.detail().contains("seeds' variance is unknown"), lth.detail());
    assertTrue(lth.seedsNeeded() >= 2, "assumed seed sd gives a plan: " + lth.seedsNeeded());
  }

  @Test
  void wideMarginIsJudgedToo() {
    // differences about +1.2 points, tight: outside +-1 at the point estimate, inside +-2
    List<Claim> claims = ClaimRules.evaluate(tables(
        cat("lth", "good", 0, "slicefine", seeds(0, TIGHT)),
        cat("lth", "bad", 1, "slicefine", seeds(0.012, TIGHT2))));
    Claim lth = claim(claims, "fig2d");
    assertEquals(Claim.REPRODUCED, lth.verdictWide(), lth.detail());
    assertTrue(!lth.verdict().equals(Claim.REPRODUCED), lth.detail());
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
    assertEquals(-0.4, wanda.observed(), 1e-6, "mixed - least, the deciding pair, signed");
    assertTrue(wanda.detail().contains("all 6 pairs"), wanda.detail());
  }

  /**
   * A copy of a {@link #scored} point where the runs of {@code seeds} predicted the majority
   * class for every example (a collapse), with their real accuracy.
   */
  static PanelPoint collapse(PanelPoint p, double x, long... seeds) {
    TreeMap<Long, TrialPoint> trials = new TreeMap<>(p.trialsBySeed());
    TreeMap<Long, Double> test = new TreeMap<>(p.testBySeed());
    for (long seed : seeds) {
      TrialPoint t = trials.get(seed);
      int m = t.outcomes().correct().length;
      int[] labels = new int[m];
      for (int i = 0; i < m; i++) {
        labels[i] = i % 3 == 0 ? 1 : 0;
      }
      ExampleOutcomes collapsed = ExampleOutcomes.of(t.testFingerprint(), labels, new int[m]);
      assertTrue(collapsed.collapsed());
      trials.put(seed, new TrialPoint(t.table(), t.panel(), t.trialId(), seed, Map.of(),
          collapsed.accuracy(), collapsed.accuracy(), 100, 1.0, 0, t.testFingerprint(),
          collapsed));
      test.put(seed, collapsed.accuracy());
    }
    return new PanelPoint(p.table(), p.series(), x, p.xLabel(), p.xOrder(), p.method(), test,
        test, 100, 1.0, p.trialIds(), trials);
  }

  @Test
  void collapsedRunsAreLeftOutOfThePointsMeansAndCounted() {
    PanelPoint r64 = collapse(scored("rank", "64", 2, "slicefine", 300, "fp", 270, 272, 269,
        271, 273, 270), 64, 2L);
    assertEquals(List.of(2L), r64.collapsedSeeds());
    assertEquals(5, r64.n(), "the collapsed seed is not a data point of the panel");
    assertEquals("1,3,4,5,6", r64.seeds());
    assertEquals((270 + 269 + 271 + 273 + 270) / 5.0 / 300, r64.test().mean(), 1e-12);
    assertEquals(5, r64.val().n());
  }

  @Test
  void aCollapseInOneArmKeepsEquivalenceFromBeingReproduced() {
    int m = 400;
    PanelPoint good = scored("lth", "good", 0, "slicefine", m, "fp", 360, 362, 358, 361);
    PanelPoint bad = scored("lth", "bad", 1, "slicefine", m, "fp", 360, 362, 358, 361);
    assertEquals(Claim.REPRODUCED, claim(ClaimRules.evaluate(tables(good, bad)), "fig2d")
        .verdict(), "identical arms are equivalent");
    // seed 2 of the bad tickets collapsed: outside every margin, so never reproduced; more
    // seeds cannot undo it; but not refuted (equal collapse rates give such seeds by chance)
    Claim one = claim(ClaimRules.evaluate(tables(good, collapse(bad, Double.NaN, 2L))),
        "fig2d");
    assertEquals(Claim.INCONCLUSIVE, one.verdict(), one.detail());
    assertEquals(Claim.INCONCLUSIVE, one.verdictWide(), one.detail());
    assertEquals(Claim.FAILS, one.atPointEstimate());
    assertEquals(ClaimSettings.SEEDS_CAP + 1, one.seedsNeeded());
    assertEquals("bad: 1/4 seeds [2]", one.collapses());
    assertTrue(one.detail().contains("seeds [2] collapsed in one arm only"), one.detail());
    // both arms collapsed at seed 2: the seed is dropped and counted, the rest decides
    Claim both = claim(ClaimRules.evaluate(tables(collapse(good, Double.NaN, 2L),
        collapse(bad, Double.NaN, 2L))), "fig2d");
    assertEquals(Claim.REPRODUCED, both.verdict(), both.detail());
    assertEquals(3, both.n());
    assertTrue(both.detail().contains("seeds [2] collapsed in both arms: dropped"),
        both.detail());
  }

  @Test
  void pairsRefuseDifferentTestExamplesAndUseTheirVariance() {
    int m = 400;
    PanelPoint good = scored("lth", "good", 0, "slicefine", m, "fpA", 360, 362, 358, 361);
    PanelPoint bad = scored("lth", "bad", 1, "slicefine", m, "fpA", 361, 361, 359, 360);
    Claim same = claim(ClaimRules.evaluate(tables(good, bad)), "fig2d");
    assertTrue(same.detail().contains("variance from seeds and test examples"), same.detail());
    assertTrue(same.detail().contains("test-set sd"), same.detail());
    assertEquals(4, same.n());
    // the same outcomes on other examples for seed 3: refused, named
    PanelPoint other = scored("lth", "bad", 1, "slicefine", m, "fpA", 361, 361, 359, 360);
    TreeMap<Long, TrialPoint> trials = new TreeMap<>(other.trialsBySeed());
    TrialPoint t3 = trials.get(3L);
    trials.put(3L, new TrialPoint("lth", "lth", t3.trialId(), 3, Map.of(), t3.testAcc(),
        t3.valAcc(), 100, 1.0, 0, "fpB", t3.outcomes()));
    PanelPoint refusing = new PanelPoint("lth", "slicefine", Double.NaN, "bad", 1, "slicefine",
        other.testBySeed(), other.valBySeed(), 100, 1.0, other.trialIds(), trials);
    Claim refused = claim(ClaimRules.evaluate(tables(good, refusing)), "fig2d");
    assertEquals(3, refused.n());
    assertTrue(refused.detail().contains("refused to pair seed 3"), refused.detail());
  }

  @Test
  void pairsRefuseRowsFromDifferentDeviceKindsNamingBoth() {
    int m = 400;
    PanelPoint good = onDevice(scored("lth", "good", 0, "slicefine", m, "fpA", 360, 362, 358,
        361), "cpu()", 1L, 2L, 3L, 4L);
    PanelPoint bad = scored("lth", "bad", 1, "slicefine", m, "fpA", 361, 361, 359, 360);
    // a GPU rerun of seed 3 in a CPU results directory
    Claim mixed = claim(ClaimRules.evaluate(tables(good,
        onDevice(onDevice(bad, "cpu()", 1L, 2L, 4L), "gpu(0)", 3L))), "fig2d");
    assertEquals(3, mixed.n());
    assertTrue(mixed.detail().contains("refused to pair seed 3")
        && mixed.detail().contains("different devices (gpu(0) vs cpu(); gpu and cpu"),
        mixed.detail());
    // another GPU of the same kind pairs; rows from before devices were recorded pair too
    Claim sameKind = claim(ClaimRules.evaluate(tables(onDevice(good, "gpu(1)", 1L, 2L, 3L, 4L),
        onDevice(bad, "gpu(0)", 1L, 2L, 3L, 4L))), "fig2d");
    assertEquals(4, sameKind.n(), sameKind.detail());
    assertEquals(4, claim(ClaimRules.evaluate(tables(good, bad)), "fig2d").n());
  }

  /** {@code point} with the trials of {@code seeds} recorded as run on {@code device}. */
  private static PanelPoint onDevice(PanelPoint point, String device, Long... seeds) {
    TreeMap<Long, TrialPoint> trials = new TreeMap<>(point.trialsBySeed());
    for (Long seed : seeds) {
      TrialPoint t = trials.get(seed);
      trials.put(seed, new TrialPoint(t.table(), t.panel(), t.trialId(), t.seed(), t.spec(),
          t.testAcc(), t.valAcc(), t.trainableParams(), t.trainSeconds(), t.dataSeed(),
          t.testFingerprint(), t.outcomes(), device));
    }
    return new PanelPoint(point.table(), point.series(), point.x(), point.xLabel(),
        point.xOrder(), point.method(), point.testBySeed(), point.valBySeed(),
        point.trainableParams(), point.trainSeconds(), point.trialIds(), trials);
  }

  @Test
  void siftNonInferiorityIsBonferroniOverTheDeclaredRates() {
    PanelPoint head = cat("reference", "head", 0, "head", seeds(-0.10, TIGHT));
    PanelPoint full = cat("reference", "full", 1, "full", seeds(0, TIGHT2));
    List<Claim> ok = ClaimRules.evaluate(tables(head, full,
        point("sift", "sift", 0.001, "0.1%", 0, "sift", seeds(-0.06, TIGHT), seeds(0, TIGHT)),
        point("sift", "sift", 0.01, "1%", 1, "sift", seeds(-0.005, TIGHT), seeds(0, TIGHT)),
        point("sift", "sift", 0.05, "5%", 2, "sift", seeds(0.01, TIGHT), seeds(0, TIGHT))));
    Claim sift = claim(ok, "sift");
    assertEquals(Claim.REPRODUCED, sift.verdict(), sift.detail());
    assertEquals(-0.5, sift.observed(), 1e-6, "the deciding rate is 1%; 5% is not small");
    assertEquals(1 - 0.05, sift.level(), 1e-12, "Bonferroni over 2 rates: 1 - 2 * 0.05 / 2");
    assertTrue(sift.detail().contains("Bonferroni over the 2 rates"), sift.detail());
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

  /** Test accuracies (fractions) of seeds 1..n: {@code base[s]} plus {@code points[s] / 100}. */
  private static TreeMap<Long, Double> plus(TreeMap<Long, Double> base, double... points) {
    TreeMap<Long, Double> m = new TreeMap<>();
    for (int i = 0; i < points.length; i++) {
      m.put(i + 1L, base.get(i + 1L) + points[i] / 100);
    }
    return m;
  }

  @Test
  void siftSeedsNeededFollowTheExistentialClaim() {
    TreeMap<Long, Double> fullAcc = new TreeMap<>(Map.of(1L, 0.90, 2L, 0.86, 3L, 0.88,
        4L, 0.90));
    PanelPoint full = cat("reference", "full", 1, "full", fullAcc);
    double[] below = {-2.2, -3.8, -2.6, -3.4};
    double[] nearer = {-1.6, -3.2, -2.0, -2.8};
    // both rates below -2: refuting the claim needs every rate refuted, so the slowest counts
    Claim bothBelow = claim(ClaimRules.evaluate(tables(full,
        point("sift", "sift", 0.005, "0.5%", 0, "sift", plus(fullAcc, below), fullAcc),
        point("sift", "sift", 0.01, "1%", 1, "sift", plus(fullAcc, nearer), fullAcc))), "sift");
    assertEquals(Claim.INCONCLUSIVE, bothBelow.verdict(), bothBelow.detail());
    int slowest = PairedEstimate.seedsOnly(nearer).seedsNeeded(-2, false, 0.05, 200,
        Double.NaN);
    assertTrue(slowest > 4 && slowest > PairedEstimate.seedsOnly(below).seedsNeeded(-2, false,
        0.05, 200, Double.NaN), "the 1% rate is the slow one: " + slowest);
    assertEquals(slowest, bothBelow.seedsNeeded(), bothBelow.detail());
    // one rate above -2: only reproducing is in reach, by that rate at the corrected level
    double[] above = {-0.2, -1.8, -0.6, -1.4};
    double[] far = {-5.9, -6.1, -6.0, -6.0};
    Claim mixed = claim(ClaimRules.evaluate(tables(full,
        point("sift", "sift", 0.005, "0.5%", 0, "sift", plus(fullAcc, far), fullAcc),
        point("sift", "sift", 0.01, "1%", 1, "sift", plus(fullAcc, above), fullAcc))), "sift");
    assertEquals(Claim.INCONCLUSIVE, mixed.verdict(), mixed.detail());
    assertEquals(PairedEstimate.seedsOnly(above).seedsNeeded(-2, true, 0.05 / 2, 200,
        Double.NaN), mixed.seedsNeeded(), mixed.detail());
  }

  @Test
  void laterLooksSpendLessAlpha() {
    // differences 0.6, 0, 0.3 over 3 seeds: inside +-1 at alpha 0.05, not at 0.05 / 3
    Map<String, List<PanelPoint>> t = tables(
        cat("lth", "good", 0, "slicefine", seeds(0, 0, 0, 0)),
        cat("lth", "bad", 1, "slicefine", seeds(0.003, 0.003, -0.003, 0.0)));
    Claim one = claim(ClaimRules.evaluate(t, new ClaimSettings(1, LookPlan.single(3), 1)),
        "fig2d");
    Claim three = claim(ClaimRules.evaluate(t, new ClaimSettings(1,
        LookPlan.evenly(3, 9, 3), 1)), "fig2d");
    assertEquals(Claim.REPRODUCED, one.verdict(), one.detail());
    assertEquals(Claim.INCONCLUSIVE, three.verdict(), three.detail());
    assertTrue(three.ciHigh() - three.ciLow() > one.ciHigh() - one.ciLow());
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
