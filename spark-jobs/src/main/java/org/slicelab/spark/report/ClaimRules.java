package org.slicelab.spark.report;

import static org.slicelab.spark.report.ClaimText.describe;
import static org.slicelab.spark.report.ClaimText.fmt;
import static org.slicelab.spark.report.ClaimText.oneSeedNote;
import static org.slicelab.spark.report.ClaimText.pairNotes;
import static org.slicelab.spark.report.ClaimText.pctLevel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slicelab.spark.report.Pairing.Collapses;
import org.slicelab.spark.report.Pairing.Paired;
import org.slicelab.spark.stats.ClaimTests;
import org.slicelab.spark.stats.Decision;
import org.slicelab.spark.stats.PairedEstimate;
import org.slicelab.spark.stats.SeedsNeeded;
import org.slicelab.spark.stats.Verdict;

/**
 * Verdicts on the Figure 2 and SIFT claims of METHODS.md (rules ours; the papers state no
 * statistical protocol; docs/claims.md is the reference). Every comparison is a paired
 * difference in test accuracy points ({@link Pairing}: same seed, same data seed, same test
 * examples), estimated with the seeds' and the test examples' variance
 * ({@link PairedEstimate}). Each verdict spends {@code alpha / looks} ({@link ClaimSettings}):
 * <ul>
 *   <li>{@code fig2a_rise}, {@code fig2a_decline}: {@link RankClaims} (no peak chosen from the
 *       data; Bonferroni over the ranks; the decline's collapse rule).
 *   <li>{@code fig2b_<series>}, {@code fig2c}, {@code fig2d}: equivalence within ±margin by TOST
 *       on every comparison (positions vs the anchor; all pairs of Wanda categories; bad - good
 *       lottery tickets), also judged at ±{@value ClaimSettings#WIDE_MARGIN}; not reproduced
 *       when a comparison's Bonferroni interval lies outside the margin. A seed where exactly
 *       one arm collapsed puts its comparison outside every margin: the claim cannot be
 *       reproduced (it is not refuted either: equal collapse rates give such seeds by chance);
 *       a seed where both collapsed is dropped and counted.
 *   <li>{@code sift}: some small rate declared in the grid (&lt;= 1%) non-inferior to full
 *       fine-tuning within {@value #SIFT_MARGIN_POINTS} points, Bonferroni over the rates (an
 *       existential claim: "a small top-x% is competitive").
 *   <li>{@code protocol_head_full_gap} (a check of the protocol, not a paper claim): full - head
 *       above {@value #HEAD_FULL_GAP_POINTS} points, one-sided.
 * </ul>
 * One-sided mean comparisons (rise, SIFT, the protocol check) take a collapsed run with its
 * measured accuracy.
 */
public final class ClaimRules {
  /** The paper's equivalence margin (points), the default of {@link ClaimSettings}. */
  public static final double EQUIVALENCE_POINTS = ClaimSettings.DEFAULT_MARGIN;
  /** Non-inferiority margin of SIFT against full fine-tuning (points). */
  public static final double SIFT_MARGIN_POINTS = 2.0;
  /** Largest top-x rate that counts as "small" for the SIFT claim. */
  public static final double SIFT_SMALL_RATE = 0.01;
  /** Protocol check: full fine-tuning must beat head-only by this much (points). */
  public static final double HEAD_FULL_GAP_POINTS = 8.0;

  private final ClaimSettings settings;

  private ClaimRules(ClaimSettings settings) {
    this.settings = settings;
  }

  /** Evaluates every claim with the defaults (±1 point, one look). */
  public static List<Claim> evaluate(Map<String, List<PanelPoint>> points) {
    int seeds = points.values().stream().flatMap(List::stream)
        .mapToInt(PanelPoint::okSeeds).max().orElse(1);
    return evaluate(points, ClaimSettings.defaults(seeds));
  }

  /** Evaluates every claim on the aggregated points (keys of {@link Figure2Panels#DEFS}). */
  public static List<Claim> evaluate(Map<String, List<PanelPoint>> points,
      ClaimSettings settings) {
    ClaimRules rules = new ClaimRules(settings);
    List<Claim> claims = new ArrayList<>();
    claims.addAll(new RankClaims(settings).evaluate(points.getOrDefault(Figure2Panels.RANK,
        List.of())));
    claims.addAll(rules.equivalencePerSeries(points.getOrDefault(Figure2Panels.POSITION,
        List.of()), "fig2b", Figure2Panels.POSITION));
    claims.addAll(rules.equivalencePerSeries(points.getOrDefault(Figure2Panels.WANDA,
        List.of()), "fig2c", Figure2Panels.WANDA));
    claims.addAll(rules.equivalencePerSeries(points.getOrDefault(Figure2Panels.LTH, List.of()),
        "fig2d", Figure2Panels.LTH));
    List<PanelPoint> reference = points.getOrDefault(Figure2Panels.REFERENCE, List.of());
    claims.add(rules.sift(points.getOrDefault(Figure2Panels.SIFT, List.of()), reference));
    claims.add(rules.headFullGap(reference));
    return claims;
  }

  private double alpha() {
    return settings.alpha();
  }

  // ---- (b)-(d) equivalence -----------------------------------------------------------------

  private List<Claim> equivalencePerSeries(List<PanelPoint> points, String idPrefix,
      String table) {
    boolean againstAnchor = table.equals(Figure2Panels.POSITION);
    String text = switch (table) {
      case Figure2Panels.POSITION -> "with rank 5, accuracy at every slice position stays within "
          + "±" + fmt(settings.margin()) + " point of the anchor (position 0) (Figure 2b)";
      case Figure2Panels.WANDA -> "most-, least-important, mixed and random (Wanda) slices give "
          + "nearly identical accuracy (within ±" + fmt(settings.margin()) + ", Figure 2c)";
      default -> "slices from bad lottery-ticket masks do about as well as from good ones "
          + "(within ±" + fmt(settings.margin()) + ", Figure 2d)";
    };
    Map<String, List<PanelPoint>> bySeries = bySeries(points);
    List<Claim> out = new ArrayList<>();
    if (bySeries.isEmpty()) {
      out.add(noData(idPrefix, text, table, "no ok trials in the " + table + " panel"));
      return out;
    }
    for (Map.Entry<String, List<PanelPoint>> e : bySeries.entrySet()) {
      String id = idPrefix + (againstAnchor || bySeries.size() > 1 ? "_" + e.getKey() : "");
      String seriesText = bySeries.size() > 1 || againstAnchor ? text + " [" + e.getKey() + "]"
          : text;
      List<PanelPoint> series = e.getValue();
      if (series.size() < 2) {
        out.add(noData(id, seriesText, table, "needs at least 2 points, found " + series.size()));
        continue;
      }
      List<PanelPoint[]> compared = new ArrayList<>();
      String note;
      if (againstAnchor) {
        PanelPoint anchor = series.get(0);
        note = "anchor position " + anchor.xLabel() + (anchor.x() == 0 ? ""
            : " (the smallest position in the grid; the paper's anchor is 0)");
        for (PanelPoint p : series.subList(1, series.size())) {
          compared.add(new PanelPoint[] {p, anchor});
        }
      } else if (table.equals(Figure2Panels.LTH) && series.size() == 2) {
        PanelPoint good = find(series, "good");
        PanelPoint bad = find(series, "bad");
        compared.add(good != null && bad != null ? new PanelPoint[] {bad, good}
            : new PanelPoint[] {series.get(1), series.get(0)});
        note = "lottery-ticket slices";
      } else {
        for (int i = 0; i < series.size(); i++) {
          for (int j = i + 1; j < series.size(); j++) {
            compared.add(new PanelPoint[] {series.get(j), series.get(i)});
          }
        }
        note = "all " + compared.size() + " pairs of " + series.stream()
            .map(PanelPoint::xLabel).collect(Collectors.joining(", "));
      }
      List<Paired> pairs = new ArrayList<>();
      for (PanelPoint[] pair : compared) {
        pairs.add(Pairing.of(pair[0].xLabel() + " - " + pair[1].xLabel(), pair[0], pair[1],
            Collapses.SET_ASIDE));
      }
      out.add(equivalence(id, seriesText, table, pairs, note, ClaimText.collapses(series),
          trialIds(series)));
    }
    return out;
  }

  private Claim equivalence(String id, String text, String table, List<Paired> pairs,
      String note, String collapses, List<String> ids) {
    double margin = settings.margin();
    double alpha = alpha();
    String discordantMeaning = "outside every margin by the collapse rule: the claim cannot be "
        + "reproduced";
    if (pairs.stream().anyMatch(p -> p.n() == 0)) {
      return noData(id, text, table, "a comparison has no paired seeds without a collapse; "
          + pairNotes(pairs, discordantMeaning) + note);
    }
    List<PairedEstimate> estimates = pairs.stream().map(Paired::estimate).toList();
    int discordant = pairs.stream().mapToInt(Paired::discordant).sum();
    Decision d = withCollapses(ClaimTests.equivalence(estimates, margin, alpha), discordant);
    Decision wide = withCollapses(ClaimTests.equivalence(estimates, ClaimSettings.WIDE_MARGIN,
        alpha), discordant);
    Paired decisive = pairs.get(Math.max(0, d.decisive()));
    int n = pairs.stream().mapToInt(Paired::n).min().orElse(0);
    boolean allInside = pairs.stream().allMatch(p -> Math.abs(p.estimate().mean()) <= margin);
    String at = allInside && discordant == 0 ? Claim.HOLDS : Claim.FAILS;
    int needed = 0;
    if (d.verdict() == Verdict.INCONCLUSIVE) {
      needed = SeedsNeeded.equivalence(estimates, margin, alpha, ClaimSettings.SEEDS_CAP,
          ClaimSettings.assumedPerSeed());
      if (discordant > 0 && estimates.stream().allMatch(e -> Math.abs(e.mean()) < margin)) {
        needed = ClaimSettings.SEEDS_CAP + 1; // more seeds cannot undo an observed collapse
      }
    }
    String detail = note + ": " + pairs.stream().map(c -> describe(c, alpha))
        .collect(Collectors.joining("; ")) + "; TOST: every comparison's "
        + pctLevel(1 - 2 * alpha) + " interval inside ±" + fmt(margin) + " (at ±"
        + fmt(ClaimSettings.WIDE_MARGIN) + ": " + wide.verdict().label() + ")"
        + (pairs.size() > 1 ? "; 'not reproduced' needs a " + pctLevel(1 - 2 * alpha
        / pairs.size()) + " interval (Bonferroni over " + pairs.size() + ") outside" : "")
        + (discordant > 0 ? "; " + discordant + " seed(s) with a collapse in one arm only: "
        + "'reproduced' is out of reach at any margin" : "")
        + "; the comparison shown is the one whose interval decided (reaches furthest out)"
        + "; " + pairNotes(pairs, discordantMeaning) + oneSeedNote(n);
    return new Claim(id, text, table, "test_acc", "paired test acc difference " + decisive.label()
        + " (the deciding comparison)", decisive.estimate().mean(), d.low(), d.high(), d.level(),
        "every comparison's interval inside ±" + fmt(margin) + " (TOST, intersection-union); "
        + "a collapse in one arm only is outside", margin, n, d.verdict().label(),
        wide.verdict().label(), at, needed, collapses, detail, ids);
  }

  /**
   * An equivalence decision with the collapse rule applied: a seed where exactly one arm
   * collapsed is outside the margin, so "reproduced" becomes "inconclusive".
   */
  private static Decision withCollapses(Decision d, int discordant) {
    return discordant > 0 && d.verdict() == Verdict.REPRODUCED
        ? new Decision(Verdict.INCONCLUSIVE, d.decisive(), d.low(), d.high(), d.level()) : d;
  }

  // ---- SIFT --------------------------------------------------------------------------------

  private Claim sift(List<PanelPoint> sift, List<PanelPoint> reference) {
    String id = "sift";
    String text = "SIFT with a small top-x% (<= " + fmt(SIFT_SMALL_RATE * 100) + "%) is "
        + "competitive with full fine-tuning (some declared small rate non-inferior within "
        + fmt(SIFT_MARGIN_POINTS) + " points)";
    PanelPoint full = find(reference, "full");
    if (full == null) {
      return noData(id, text, Figure2Panels.SIFT, "no ok full fine-tuning trials in the "
          + "reference panels");
    }
    List<PanelPoint> small = sift.stream().filter(p -> p.method().equals("sift")
        && p.x() <= SIFT_SMALL_RATE + 1e-12).toList();
    if (small.isEmpty()) {
      return noData(id, text, Figure2Panels.SIFT, "no ok SIFT trials with rate <= "
          + fmt(SIFT_SMALL_RATE * 100) + "% (found " + sift.size() + " SIFT points)");
    }
    List<Paired> arms = new ArrayList<>();
    for (PanelPoint p : small) {
      arms.add(Pairing.of("sift(" + p.xLabel() + ") - full", p, full, Collapses.INCLUDED));
    }
    List<PanelPoint> involved = new ArrayList<>(small);
    involved.add(full);
    if (arms.stream().anyMatch(p -> p.n() == 0)) {
      return noData(id, text, Figure2Panels.SIFT, "SIFT and full share no paired seeds; "
          + pairNotes(arms, ""));
    }
    double alpha = alpha();
    int k = arms.size();
    List<PairedEstimate> estimates = arms.stream().map(Paired::estimate).toList();
    Decision d = ClaimTests.anyAbove(estimates, -SIFT_MARGIN_POINTS, alpha);
    Paired decisive = arms.get(Math.max(0, d.decisive()));
    double bestMean = estimates.stream().mapToDouble(PairedEstimate::mean).max().orElseThrow();
    String at = bestMean > -SIFT_MARGIN_POINTS ? Claim.HOLDS : Claim.FAILS;
    int needed = d.verdict() != Verdict.INCONCLUSIVE ? 0 : SeedsNeeded.anyAbove(estimates,
        -SIFT_MARGIN_POINTS, alpha, ClaimSettings.SEEDS_CAP, ClaimSettings.assumedPerSeed());
    String detail = "the " + k + " small rate(s) declared in the grid: " + arms.stream()
        .map(c -> describe(c, alpha)).collect(Collectors.joining("; ")) + "; reproduced when "
        + "some rate's lower bound at " + pctLevel(1 - alpha / k) + " (one-sided, Bonferroni "
        + "over the " + k + " rates) is above -" + fmt(SIFT_MARGIN_POINTS) + "; not reproduced "
        + "when every rate's upper bound at " + pctLevel(1 - alpha) + " is below it; seeds "
        + "needed: the fastest rate to clear the margin at the corrected level (one suffices), "
        + "or, when every rate is below it, the slowest to be refuted; "
        + pairNotes(arms, "") + oneSeedNote(decisive.n());
    return new Claim(id, text, Figure2Panels.SIFT, "test_acc", "paired test acc difference "
        + decisive.label() + " (the deciding rate)", decisive.estimate().mean(), d.low(),
        d.high(), d.level(), "some declared rate <= " + fmt(SIFT_SMALL_RATE * 100) + "%: SIFT - "
        + "full > -" + fmt(SIFT_MARGIN_POINTS) + " points (one-sided lower bound, Bonferroni "
        + "over the declared rates)", -SIFT_MARGIN_POINTS, decisive.n(), d.verdict().label(),
        d.verdict().label(), at, needed, ClaimText.collapses(involved), detail,
        trialIds(involved));
  }

  // ---- protocol check ----------------------------------------------------------------------

  private Claim headFullGap(List<PanelPoint> reference) {
    String id = "protocol_head_full_gap";
    String text = "protocol check (ours, not a paper claim): full fine-tuning beats head-only by "
        + "at least " + fmt(HEAD_FULL_GAP_POINTS) + " points, so the task is not at its ceiling";
    PanelPoint head = find(reference, "head");
    PanelPoint full = find(reference, "full");
    if (head == null || full == null) {
      return noData(id, text, Figure2Panels.REFERENCE, "needs ok head and full trials");
    }
    List<PanelPoint> both = List.of(full, head);
    Paired c = Pairing.of("full - head", full, head, Collapses.INCLUDED);
    if (c.n() == 0) {
      return noData(id, text, Figure2Panels.REFERENCE, "no paired seeds; " + pairNotes(
          List.of(c), ""));
    }
    double alpha = alpha();
    Decision d = ClaimTests.anyAbove(List.of(c.estimate()), HEAD_FULL_GAP_POINTS, alpha);
    int needed = d.verdict() == Verdict.INCONCLUSIVE ? SeedsNeeded.anyAbove(List.of(
        c.estimate()), HEAD_FULL_GAP_POINTS, alpha, ClaimSettings.SEEDS_CAP,
        ClaimSettings.assumedPerSeed()) : 0;
    String at = c.estimate().mean() > HEAD_FULL_GAP_POINTS ? Claim.HOLDS : Claim.FAILS;
    return new Claim(id, text, Figure2Panels.REFERENCE, "test_acc", "mean test acc full minus "
        + "head-only", c.estimate().mean(), d.low(), d.high(), d.level(), "full - head > "
        + fmt(HEAD_FULL_GAP_POINTS) + " points (one-sided bounds)", HEAD_FULL_GAP_POINTS, c.n(),
        d.verdict().label(), d.verdict().label(), at, needed, ClaimText.collapses(both),
        describe(c, alpha) + "; " + pairNotes(List.of(c), "") + oneSeedNote(c.n()),
        trialIds(both));
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Every trial the claim was judged on. */
  static List<String> trialIds(List<PanelPoint> points) {
    return points.stream().flatMap(p -> p.trialIds().stream()).distinct().toList();
  }

  /** The points with some ok seed, by series, sorted by x. */
  static Map<String, List<PanelPoint>> bySeries(List<PanelPoint> points) {
    Map<String, List<PanelPoint>> out = new LinkedHashMap<>();
    for (PanelPoint p : points) {
      if (p.okSeeds() > 0) {
        out.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
      }
    }
    out.values().forEach(l -> l.sort(Comparator.comparingInt(PanelPoint::xOrder)));
    return new TreeMap<>(out);
  }

  private static PanelPoint find(List<PanelPoint> points, String label) {
    return points.stream().filter(p -> p.xLabel().equals(label)).findFirst().orElse(null);
  }

  /** An inconclusive claim without data, and why. */
  static Claim noData(String id, String text, String table, String why) {
    return new Claim(id, text, table, "test_acc", "", Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, "", Double.NaN, 0, Claim.INCONCLUSIVE, Claim.INCONCLUSIVE, Claim.NO_DATA, -1,
        "", why, List.of());
  }
}
