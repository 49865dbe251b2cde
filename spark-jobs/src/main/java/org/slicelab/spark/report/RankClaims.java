package org.slicelab.spark.report;

import static org.slicelab.spark.report.ClaimText.describe;
import static org.slicelab.spark.report.ClaimText.p;
import static org.slicelab.spark.report.ClaimText.pairNotes;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slicelab.spark.report.Pairing.Collapses;
import org.slicelab.spark.report.Pairing.Paired;
import org.slicelab.spark.stats.ClaimTests;
import org.slicelab.spark.stats.Decision;
import org.slicelab.spark.stats.PairedEstimate;
import org.slicelab.spark.stats.SeedsNeeded;
import org.slicelab.spark.stats.SignTest;
import org.slicelab.spark.stats.Verdict;

/**
 * The two Figure 2(a) claims, judged without choosing a peak rank from the data (a rank chosen
 * on validation also tends to test high: the run's quality is in both). With ranks
 * {@code r_1 < ... < r_k} of one series, paired by seed:
 * <ul>
 *   <li>{@code fig2a_rise}: some larger rank is above the smallest, {@code test(r_j) -
 *       test(r_1) > 0} for some j; one-sided paired tests, Bonferroni over the k - 1 ranks
 *       ({@link ClaimTests#anyAbove}). Collapsed runs enter with their measured accuracy.
 *   <li>{@code fig2a_decline}: some smaller rank is above the largest, {@code test(r_j) -
 *       test(r_k) > 0} for some j; one sign test over seeds per rank, Bonferroni over the k - 1.
 *       Collapse rule (fixed in advance): a seed where the larger rank collapsed and the smaller
 *       did not is a decline (a collapse to the majority class is the extreme of the decline the
 *       claim describes), the reverse counts against the decline, both collapsed is dropped.
 * </ul>
 */
final class RankClaims {
  static final String RISE = "fig2a_rise";
  static final String DECLINE = "fig2a_decline";
  private static final String RISE_TEXT =
      "SliceFine accuracy rises with the slice rank (Figure 2a)";
  private static final String DECLINE_TEXT =
      "past the best rank, held-out accuracy declines (overfitting, Figure 2a)";

  private final ClaimSettings settings;

  RankClaims(ClaimSettings settings) {
    this.settings = settings;
  }

  /** Both claims for every series of the rank panel. */
  List<Claim> evaluate(List<PanelPoint> points) {
    var bySeries = ClaimRules.bySeries(points);
    List<Claim> out = new ArrayList<>();
    if (bySeries.isEmpty()) {
      out.add(ClaimRules.noData(RISE, RISE_TEXT, Figure2Panels.RANK,
          "no ok trials in the rank panel"));
      out.add(ClaimRules.noData(DECLINE, DECLINE_TEXT, Figure2Panels.RANK,
          "no ok trials in the rank panel"));
      return out;
    }
    bySeries.forEach((series, ranks) -> {
      String suffix = bySeries.size() > 1 ? "_" + series : "";
      if (ranks.size() < 2) {
        String why = "needs at least 2 ranks, found " + ranks.size();
        out.add(ClaimRules.noData(RISE + suffix, RISE_TEXT, Figure2Panels.RANK, why));
        out.add(ClaimRules.noData(DECLINE + suffix, DECLINE_TEXT, Figure2Panels.RANK, why));
        return;
      }
      out.add(rise(RISE + suffix, ranks));
      out.add(decline(DECLINE + suffix, ranks));
    });
    return out;
  }

  private Claim rise(String id, List<PanelPoint> ranks) {
    PanelPoint first = ranks.get(0);
    List<Paired> pairs = new ArrayList<>();
    for (PanelPoint r : ranks.subList(1, ranks.size())) {
      pairs.add(Pairing.of("test(r=" + r.xLabel() + ") - test(r=" + first.xLabel() + ")", r,
          first, Collapses.INCLUDED));
    }
    List<String> ids = ClaimRules.trialIds(ranks);
    String collapses = ClaimText.collapses(ranks);
    if (pairs.stream().anyMatch(c -> c.n() == 0)) {
      return ClaimRules.noData(id, RISE_TEXT, Figure2Panels.RANK, "a rank shares no paired "
          + "seed with the smallest; " + pairNotes(pairs, ""));
    }
    double alpha = settings.alpha();
    int k = pairs.size();
    List<PairedEstimate> estimates = pairs.stream().map(Paired::estimate).toList();
    Decision d = ClaimTests.anyAbove(estimates, 0, alpha);
    Paired decisive = pairs.get(Math.max(0, d.decisive()));
    boolean someAbove = estimates.stream().anyMatch(e -> e.mean() > 0);
    int needed = d.verdict() == Verdict.INCONCLUSIVE
        ? SeedsNeeded.anyAbove(estimates, 0, alpha, ClaimSettings.SEEDS_CAP,
        ClaimSettings.assumedPerSeed()) : 0;
    String detail = "every larger rank against the smallest (r=" + first.xLabel() + "), no "
        + "peak chosen from the data: " + pairs.stream().map(c -> describe(c, alpha))
        .collect(Collectors.joining("; ")) + "; reproduced when some rank's lower bound at "
        + ClaimText.pctLevel(1 - alpha / k) + " (one-sided, Bonferroni over the " + k
        + " larger rank(s)) is above 0; not reproduced when every rank's upper bound at "
        + ClaimText.pctLevel(1 - alpha) + " is below 0; seeds needed: the fastest rank above 0"
        + " (one suffices); " + pairNotes(pairs, "") + ClaimText.oneSeedNote(decisive.n());
    return new Claim(id, RISE_TEXT, Figure2Panels.RANK, "test_acc", "paired test acc "
        + "difference " + decisive.label() + " (the deciding rank)", decisive.estimate().mean(),
        d.low(), d.high(), d.level(), "some larger rank above the smallest: one-sided lower "
        + "bound above 0, Bonferroni over the " + k + " larger rank(s)", 0, decisive.n(),
        d.verdict().label(), d.verdict().label(), someAbove ? Claim.HOLDS : Claim.FAILS, needed,
        collapses, detail, ids);
  }

  private Claim decline(String id, List<PanelPoint> ranks) {
    PanelPoint last = ranks.get(ranks.size() - 1);
    List<Paired> pairs = new ArrayList<>();
    List<SignTest> tests = new ArrayList<>();
    for (PanelPoint r : ranks.subList(0, ranks.size() - 1)) {
      Paired c = Pairing.of("test(r=" + r.xLabel() + ") - test(r=" + last.xLabel() + ")", r,
          last, Collapses.SET_ASIDE);
      pairs.add(c);
      tests.add(SignTest.of(signs(c)));
    }
    List<String> ids = ClaimRules.trialIds(ranks);
    String collapses = ClaimText.collapses(ranks);
    String collapseMeaning = "a collapse at the larger rank only counts as a decline, at the "
        + "smaller rank only against it";
    if (tests.stream().anyMatch(t -> t.n() == 0)) {
      return ClaimRules.noData(id, DECLINE_TEXT, Figure2Panels.RANK, "a rank shares no paired "
          + "seed with the largest; " + pairNotes(pairs, collapseMeaning));
    }
    double alpha = settings.alpha();
    int k = tests.size();
    Decision d = ClaimTests.anyAbove(tests, 0, alpha);
    int at = Math.max(0, d.decisive());
    SignTest shown = tests.get(at);
    boolean someAbove = tests.stream().anyMatch(t -> t.median() > 0);
    int needed = d.verdict() == Verdict.INCONCLUSIVE
        ? SeedsNeeded.anySignAbove(tests, alpha, ClaimSettings.SEEDS_CAP) : 0;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Paired c = pairs.get(i);
      SignTest t = tests.get(i);
      parts.add(c.label() + ": " + t.positives() + " of " + t.n() + " seeds decline ("
          + t.negatives() + " rise" + (c.discordant() > 0 ? "; " + c.collapsedB().size()
          + " by a collapse at the larger rank, " + c.collapsedA().size() + " at the smaller"
          : "") + "), one-sided p = " + p(t.pAbove()) + ", per seed "
          + ClaimText.perSeed(c.seeds(), c.perSeed()));
    }
    String detail = "every smaller rank against the largest (r=" + last.xLabel() + "), no peak "
        + "chosen from the data; sign test over seeds per rank: " + String.join("; ", parts)
        + "; reproduced when some rank's p <= " + p(alpha / k) + " (alpha " + p(alpha)
        + ", Bonferroni over the " + k + " smaller rank(s)), i.e. the lower bound of its median "
        + "above 0; not reproduced when every rank's upper bound at " + ClaimText.pctLevel(
        1 - alpha) + " is below 0; collapse rule (fixed in advance): " + collapseMeaning
        + ", both collapsed: dropped; " + pairNotes(pairs, collapseMeaning);
    return new Claim(id, DECLINE_TEXT, Figure2Panels.RANK, "test_acc", "median over seeds of "
        + pairs.get(at).label() + " (the deciding rank; order-statistic bounds; a collapse "
        + "enters as +/-inf)", shown.median(), d.low(), d.high(), d.level(), "some smaller rank "
        + "above the largest by the sign test, Bonferroni over the " + k + " smaller rank(s); "
        + "a collapse at the larger rank only is a decline", 0, shown.n(), d.verdict().label(),
        d.verdict().label(), someAbove ? Claim.HOLDS : Claim.FAILS, needed, collapses, detail,
        ids);
  }

  /**
   * The per-seed values of a decline comparison for the sign test: the measured differences,
   * {@code +inf} where only the larger rank collapsed, {@code -inf} where only the smaller did.
   */
  static double[] signs(Paired c) {
    double[] v = new double[c.n() + c.discordant()];
    System.arraycopy(c.perSeed(), 0, v, 0, c.n());
    int i = c.n();
    for (int j = 0; j < c.collapsedB().size(); j++) {
      v[i++] = Double.POSITIVE_INFINITY;
    }
    for (int j = 0; j < c.collapsedA().size(); j++) {
      v[i++] = Double.NEGATIVE_INFINITY;
    }
    return v;
  }
}
