package org.slicelab.spark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slicelab.spark.report.Pairing.Paired;
import org.slicelab.spark.stats.ClaimTests;
import org.slicelab.spark.stats.Decision;
import org.slicelab.spark.stats.PairedEstimate;
import org.slicelab.spark.stats.SignTest;
import org.slicelab.spark.stats.Verdict;

/**
 * Verdicts on the Figure 2 and SIFT claims of METHODS.md (rules ours; the papers state no
 * statistical protocol). Every comparison is a paired difference in test accuracy points
 * ({@link Pairing}: same seed, same data seed, same test examples; collapsed runs left out and
 * reported), estimated with the seeds' and the test examples' variance
 * ({@link PairedEstimate}). Each verdict spends {@code alpha / looks} ({@link ClaimSettings}):
 * <ul>
 *   <li>{@code fig2a_rise}: test(r*) - test(smallest rank) &gt; 0, one-sided, where r* is the
 *       rank with the highest mean validation accuracy (chosen on validation, measured on test,
 *       so the choice does not inflate it); not reproduced when the upper bound is below 0.
 *   <li>{@code fig2a_decline}: test(r*) - test(largest rank) &gt; 0 by the sign test over seeds
 *       (distribution-free: fit for few seeds and for outliers); the shown statistic is the
 *       median with its order-statistic bounds. Collapses are counted, not averaged.
 *   <li>{@code fig2b_<series>}, {@code fig2c}, {@code fig2d}: equivalence within ±margin by TOST
 *       on every comparison (positions vs the anchor; all pairs of Wanda categories; bad - good
 *       lottery tickets), also judged at ±{@value ClaimSettings#WIDE_MARGIN}; not reproduced
 *       when a comparison's Bonferroni interval lies outside the margin.
 *   <li>{@code sift}: SIFT at the small rates declared in the grid (&lt;= 1%) non-inferior to
 *       full fine-tuning within {@value #SIFT_MARGIN_POINTS} points, Bonferroni over the rates.
 *   <li>{@code protocol_head_full_gap} (a check of the protocol, not a paper claim): full - head
 *       above {@value #HEAD_FULL_GAP_POINTS} points, one-sided.
 * </ul>
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
        .mapToInt(PanelPoint::n).max().orElse(1);
    return evaluate(points, ClaimSettings.defaults(seeds));
  }

  /** Evaluates every claim on the aggregated points (keys of {@link Figure2Panels#DEFS}). */
  public static List<Claim> evaluate(Map<String, List<PanelPoint>> points,
      ClaimSettings settings) {
    ClaimRules rules = new ClaimRules(settings);
    List<Claim> claims = new ArrayList<>();
    claims.addAll(rules.rank(points.getOrDefault(Figure2Panels.RANK, List.of())));
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

  private double assumedPerSeed() {
    return ClaimSettings.ASSUMED_SEED_SD * ClaimSettings.ASSUMED_SEED_SD;
  }

  // ---- (a) rank ----------------------------------------------------------------------------

  private List<Claim> rank(List<PanelPoint> points) {
    String riseText = "SliceFine accuracy rises with the slice rank (Figure 2a)";
    String declineText = "past the best rank, held-out accuracy declines (overfitting, Figure 2a)";
    Map<String, List<PanelPoint>> bySeries = bySeries(points);
    List<Claim> out = new ArrayList<>();
    if (bySeries.isEmpty()) {
      out.add(noData("fig2a_rise", riseText, Figure2Panels.RANK, "no ok trials in the rank panel"));
      out.add(noData("fig2a_decline", declineText, Figure2Panels.RANK,
          "no ok trials in the rank panel"));
      return out;
    }
    for (Map.Entry<String, List<PanelPoint>> e : bySeries.entrySet()) {
      String suffix = bySeries.size() > 1 ? "_" + e.getKey() : "";
      List<PanelPoint> series = e.getValue();
      if (series.size() < 2) {
        out.add(noData("fig2a_rise" + suffix, riseText, Figure2Panels.RANK,
            "needs at least 2 ranks, found " + series.size()));
        out.add(noData("fig2a_decline" + suffix, declineText, Figure2Panels.RANK,
            "needs at least 2 ranks, found " + series.size()));
        continue;
      }
      PanelPoint first = series.get(0);
      PanelPoint last = series.get(series.size() - 1);
      PanelPoint peak = series.stream().max(Comparator.comparingDouble(ClaimRules::selectionScore)
          .thenComparing(p -> -p.xOrder())).orElseThrow();
      List<String> ids = trialIds(series);
      String collapses = collapses(series);
      String peakNote = "peak rank r*=" + peak.xLabel() + " (highest mean validation accuracy "
          + "of the runs that did not collapse: " + pct(selectionScore(peak)) + "); ranks "
          + series.stream().map(PanelPoint::xLabel).collect(Collectors.joining(", "))
          + "; differences measured on test accuracy";
      Paired rise = Pairing.of("test(r*=" + peak.xLabel() + ") - test(r=" + first.xLabel() + ")",
          peak, first);
      out.add(above("fig2a_rise" + suffix, riseText, Figure2Panels.RANK,
          "mean test acc at the peak rank (chosen on validation) minus at the smallest rank",
          rise, 0, "rise > 0: one-sided lower bound above 0 (reproduced) / upper bound below 0 "
              + "(not reproduced)", peakNote, collapses, ids));
      Paired decline = Pairing.of("test(r*=" + peak.xLabel() + ") - test(r=" + last.xLabel()
          + ")", peak, last);
      out.add(decline("fig2a_decline" + suffix, declineText, decline, peakNote
          + (peak == last ? "; the validation peak is the largest rank: no rank past it to "
          + "decline" : ""), collapses, ids));
    }
    return out;
  }

  /** Mean validation accuracy of the runs that did not collapse (test when none recorded). */
  private static double selectionScore(PanelPoint p) {
    List<Long> collapsed = p.collapsedSeeds();
    double sum = 0;
    int n = 0;
    for (Map.Entry<Long, Double> e : p.valBySeed().entrySet()) {
      if (!collapsed.contains(e.getKey())) {
        sum += e.getValue();
        n++;
      }
    }
    return n > 0 ? sum / n : p.test().mean();
  }

  private Claim above(String id, String text, String table, String statistic, Paired c,
      double threshold, String rule, String note, String collapses, List<String> ids) {
    if (c.n() == 0) {
      return noData(id, text, table, "no paired seeds; " + pairNotes(List.of(c)) + note);
    }
    Decision d = ClaimTests.above(c.estimate(), threshold, alpha());
    int needed = d.verdict() == Verdict.INCONCLUSIVE ? c.estimate().seedsNeeded(threshold,
        c.estimate().mean() > threshold, alpha(), ClaimSettings.SEEDS_CAP, assumedPerSeed()) : 0;
    String at = c.estimate().mean() > threshold ? Claim.HOLDS : Claim.FAILS;
    return new Claim(id, text, table, "test_acc", statistic, c.estimate().mean(), d.low(),
        d.high(), d.level(), rule, threshold, c.n(), d.verdict().label(), d.verdict().label(),
        at, needed, collapses, describe(c) + "; " + pairNotes(List.of(c)) + note
        + oneSeedNote(c.n()), ids);
  }

  private Claim decline(String id, String text, Paired c, String note, String collapses,
      List<String> ids) {
    String table = Figure2Panels.RANK;
    if (c.n() == 0) {
      return noData(id, text, table, "no paired seeds; " + pairNotes(List.of(c)) + note);
    }
    SignTest sign = SignTest.of(c.perSeed());
    Decision d = ClaimTests.signAbove(sign, alpha());
    int needed = d.verdict() == Verdict.INCONCLUSIVE
        ? sign.seedsNeeded(alpha(), ClaimSettings.SEEDS_CAP) : 0;
    String at = sign.median() > 0 ? Claim.HOLDS : Claim.FAILS;
    String detail = "sign test over seeds: " + sign.positives() + " of " + sign.n()
        + " seeds decline (" + sign.negatives() + " rise), one-sided p = "
        + String.format(Locale.ROOT, "%.3g", sign.pAbove()) + " against alpha "
        + String.format(Locale.ROOT, "%.3g", alpha()) + "; per-seed differences "
        + perSeedText(c) + "; for information (not the rule): " + describe(c) + "; "
        + pairNotes(List.of(c)) + note;
    return new Claim(id, text, table, "test_acc", "median over seeds of test acc at the peak "
        + "rank minus at the largest rank (order-statistic bounds)", sign.median(), d.low(),
        d.high(), d.level(), "decline > 0 by the sign test over seeds: lower bound of the median "
        + "above 0 (reproduced) / upper bound below 0 (not reproduced)", 0, c.n(),
        d.verdict().label(), d.verdict().label(), at, needed, collapses, detail, ids);
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
        pairs.add(Pairing.of(pair[0].xLabel() + " - " + pair[1].xLabel(), pair[0], pair[1]));
      }
      out.add(equivalence(id, seriesText, table, pairs, note, collapses(series),
          trialIds(series)));
    }
    return out;
  }

  private Claim equivalence(String id, String text, String table, List<Paired> pairs,
      String note, String collapses, List<String> ids) {
    double margin = settings.margin();
    if (pairs.stream().anyMatch(p -> p.n() == 0)) {
      return noData(id, text, table, "a comparison has no paired seeds; " + pairNotes(pairs)
          + note);
    }
    List<PairedEstimate> estimates = pairs.stream().map(Paired::estimate).toList();
    Decision d = ClaimTests.equivalence(estimates, margin, alpha());
    Decision wide = ClaimTests.equivalence(estimates, ClaimSettings.WIDE_MARGIN, alpha());
    Paired decisive = pairs.get(Math.max(0, d.decisive()));
    int n = pairs.stream().mapToInt(Paired::n).min().orElse(0);
    boolean allInside = pairs.stream().allMatch(p -> Math.abs(p.estimate().mean()) <= margin);
    String at = allInside ? Claim.HOLDS : Claim.FAILS;
    int needed = d.verdict() == Verdict.INCONCLUSIVE ? equivalenceSeedsNeeded(estimates, margin)
        : 0;
    String detail = note + ": " + pairs.stream().map(this::describe)
        .collect(Collectors.joining("; ")) + "; TOST: every comparison's "
        + pctLevel(1 - 2 * alpha()) + " interval inside ±" + fmt(margin) + " (at ±"
        + fmt(ClaimSettings.WIDE_MARGIN) + ": " + wide.verdict().label() + ")"
        + (pairs.size() > 1 ? "; 'not reproduced' needs a " + pctLevel(1 - 2 * alpha()
        / pairs.size()) + " interval (Bonferroni over " + pairs.size() + ") outside" : "")
        + "; the comparison shown is the one whose interval decided (reaches furthest out)"
        + "; " + pairNotes(pairs) + oneSeedNote(n);
    return new Claim(id, text, table, "test_acc", "paired test acc difference " + decisive.label()
        + " (the deciding comparison)", decisive.estimate().mean(), d.low(), d.high(), d.level(),
        "every comparison's interval inside ±" + fmt(margin) + " (TOST, intersection-union)",
        margin, n, d.verdict().label(), wide.verdict().label(), at, needed, collapses, detail,
        ids);
  }

  /**
   * Seeds for a decision at the observed means and variances: all intervals inside the margin
   * when every mean is inside, else the fastest comparison to leave it.
   */
  private int equivalenceSeedsNeeded(List<PairedEstimate> estimates, double margin) {
    int cap = ClaimSettings.SEEDS_CAP;
    boolean allInside = estimates.stream().allMatch(e -> Math.abs(e.mean()) < margin);
    if (allInside) {
      int worst = 0;
      for (PairedEstimate e : estimates) {
        worst = Math.max(worst, e.mean() >= 0
            ? e.seedsNeeded(margin, false, alpha(), cap, assumedPerSeed())
            : e.seedsNeeded(-margin, true, alpha(), cap, assumedPerSeed()));
      }
      return worst;
    }
    int best = cap + 1;
    double a = alpha() / estimates.size();
    for (PairedEstimate e : estimates) {
      if (e.mean() > margin) {
        best = Math.min(best, e.seedsNeeded(margin, true, a, cap, assumedPerSeed()));
      } else if (e.mean() < -margin) {
        best = Math.min(best, e.seedsNeeded(-margin, false, a, cap, assumedPerSeed()));
      }
    }
    return best;
  }

  // ---- SIFT --------------------------------------------------------------------------------

  private Claim sift(List<PanelPoint> sift, List<PanelPoint> reference) {
    String id = "sift";
    String text = "SIFT with a small top-x% (<= " + fmt(SIFT_SMALL_RATE * 100) + "%) is "
        + "competitive with full fine-tuning (non-inferior within " + fmt(SIFT_MARGIN_POINTS)
        + " points)";
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
      arms.add(Pairing.of("sift(" + p.xLabel() + ") - full", p, full));
    }
    List<PanelPoint> involved = new ArrayList<>(small);
    involved.add(full);
    if (arms.stream().anyMatch(p -> p.n() == 0)) {
      return noData(id, text, Figure2Panels.SIFT, "SIFT and full share no paired seeds; "
          + pairNotes(arms));
    }
    int k = arms.size();
    Decision d = ClaimTests.nonInferiority(arms.stream().map(Paired::estimate).toList(),
        SIFT_MARGIN_POINTS, alpha());
    Paired decisive = arms.get(Math.max(0, d.decisive()));
    double bestMean = arms.stream().mapToDouble(p -> p.estimate().mean()).max().orElseThrow();
    String at = bestMean > -SIFT_MARGIN_POINTS ? Claim.HOLDS : Claim.FAILS;
    int needed = d.verdict() != Verdict.INCONCLUSIVE ? 0 : arms.stream().mapToInt(p ->
        p.estimate().seedsNeeded(-SIFT_MARGIN_POINTS, p.estimate().mean() > -SIFT_MARGIN_POINTS,
            p.estimate().mean() > -SIFT_MARGIN_POINTS ? alpha() / k : alpha(),
            ClaimSettings.SEEDS_CAP, assumedPerSeed())).min().orElse(-1);
    String detail = "the " + k + " small rate(s) declared in the grid: " + arms.stream()
        .map(this::describe).collect(Collectors.joining("; ")) + "; reproduced when some rate's "
        + "lower bound at " + pctLevel(1 - alpha() / k) + " (one-sided, Bonferroni over the " + k
        + " rates) is above -" + fmt(SIFT_MARGIN_POINTS) + "; not reproduced when every rate's "
        + "upper bound at " + pctLevel(1 - alpha()) + " is below it; " + pairNotes(arms)
        + oneSeedNote(decisive.n());
    return new Claim(id, text, Figure2Panels.SIFT, "test_acc", "paired test acc difference "
        + decisive.label() + " (the deciding rate)", decisive.estimate().mean(), d.low(),
        d.high(), d.level(), "SIFT - full > -" + fmt(SIFT_MARGIN_POINTS) + " points (one-sided "
        + "lower bound, Bonferroni over the declared rates)", -SIFT_MARGIN_POINTS, decisive.n(),
        d.verdict().label(), d.verdict().label(), at, needed, collapses(involved), detail,
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
    return above(id, text, Figure2Panels.REFERENCE, "mean test acc full minus head-only",
        Pairing.of("full - head", full, head), HEAD_FULL_GAP_POINTS, "full - head > "
            + fmt(HEAD_FULL_GAP_POINTS) + " points (one-sided bounds)", "", collapses(both),
        trialIds(both));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private String describe(Paired c) {
    if (c.n() == 0) {
      return c.label() + ": no paired seeds";
    }
    PairedEstimate e = c.estimate();
    String base = c.label() + " = " + pts(e.mean());
    if (!e.hasInterval()) {
      return base + " (n=1" + (c.crossed() || e.examples() > 0 ? ", test-set sd "
          + String.format(Locale.ROOT, "%.2f", Math.sqrt(e.floor())) : "") + ")";
    }
    String parts = c.crossed() ? String.format(Locale.ROOT, ", sd per seed %.2f, test-set sd "
        + "%.2f, df %.1f", Math.sqrt(e.perSeed()), Math.sqrt(e.floor()), e.df())
        : String.format(Locale.ROOT, ", seeds only (no per-example predictions), df %.0f",
        e.df());
    return base + " [" + pts(e.lower(alpha())) + ", " + pts(e.upper(alpha())) + "] n="
        + c.n() + parts;
  }

  private static String perSeedText(Paired c) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < c.n(); i++) {
      parts.add(c.seeds().get(i) + ":" + pts(c.perSeed()[i]));
    }
    return String.join(" ", parts);
  }

  private static String pairNotes(List<Paired> pairs) {
    Set<String> notes = new LinkedHashSet<>();
    for (Paired p : pairs) {
      if (!p.collapsed().isEmpty()) {
        notes.add(p.label() + ": seeds " + p.collapsed() + " left out (a run collapsed to one "
            + "class)");
      }
      for (String r : p.refused()) {
        notes.add(p.label() + ": refused to pair " + r);
      }
    }
    boolean crossed = pairs.stream().allMatch(Paired::crossed);
    return (notes.isEmpty() ? "" : String.join("; ", notes) + "; ") + (crossed
        ? "variance from seeds and test examples (crossed); "
        : "variance from seeds only (some trials have no per-example predictions); ");
  }

  private static String oneSeedNote(int n) {
    return n < 2 ? "; one paired seed: the seeds' variance is unknown, so no verdict beyond "
        + "inconclusive; seeds_needed assumes a seed sd of " + fmt(ClaimSettings.ASSUMED_SEED_SD)
        + " points" : "";
  }

  /** Collapsed runs per configuration, e.g. {@code 128: 1/3 seeds}. */
  static String collapses(List<PanelPoint> points) {
    List<String> parts = new ArrayList<>();
    for (PanelPoint p : points) {
      int c = p.collapsedSeeds().size();
      if (c > 0) {
        parts.add(p.xLabel() + ": " + c + "/" + p.trialsBySeed().size() + " seeds "
            + p.collapsedSeeds());
      }
    }
    return String.join("; ", parts);
  }

  private static List<String> trialIds(List<PanelPoint> points) {
    return points.stream().flatMap(p -> p.trialIds().stream()).distinct().toList();
  }

  private static Map<String, List<PanelPoint>> bySeries(List<PanelPoint> points) {
    Map<String, List<PanelPoint>> out = new LinkedHashMap<>();
    for (PanelPoint p : points) {
      if (p.n() > 0) {
        out.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
      }
    }
    out.values().forEach(l -> l.sort(Comparator.comparingInt(PanelPoint::xOrder)));
    return new TreeMap<>(out);
  }

  private static PanelPoint find(List<PanelPoint> points, String label) {
    return points.stream().filter(p -> p.xLabel().equals(label)).findFirst().orElse(null);
  }

  private Claim noData(String id, String text, String table, String why) {
    return new Claim(id, text, table, "test_acc", "", Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, "", Double.NaN, 0, Claim.INCONCLUSIVE, Claim.INCONCLUSIVE, Claim.NO_DATA, -1,
        "", why, List.of());
  }

  static String pctLevel(double level) {
    return trimNumber(String.format(Locale.ROOT, "%.2f", level * 100)) + "%";
  }

  private static String trimNumber(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String pts(double v) {
    return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+inf" : "-inf")
        : String.format(Locale.ROOT, "%+.2f", v);
  }

  static String pct(double fraction) {
    return Double.isNaN(fraction) ? "NaN" : String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
