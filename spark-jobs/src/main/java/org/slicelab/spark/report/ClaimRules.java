package org.slicelab.spark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Verdicts on the Figure 2 and SIFT claims of METHODS.md, from the aggregated panel points.
 *
 * <h2>Shared rules (ours; the papers give no statistical protocol)</h2>
 * <ul>
 *   <li>Accuracy is test accuracy, differences in percentage points (1 point = 0.01). "Within
 *       ±1%" in the paper is read as ±1 point (on accuracies near 90% the relative reading differs
 *       by 0.1 point).
 *   <li>Every comparison is <em>paired by seed</em>: configurations with the same seed share the
 *       training subsample and the head initialisation, and all share the validation and test
 *       sets. Only seeds present on both sides count; the per-seed differences are summarised
 *       with a 95% two-sided Student-t interval ({@link Summary}). With fewer than 2 paired seeds
 *       there is no interval and the verdict is {@code inconclusive} (the point estimates are
 *       still shown, in {@code at_point_estimate}).
 *   <li>Equivalence claims ("within ±m"): {@code reproduced} when every comparison's 95% interval
 *       lies inside [-m, m] (an intersection-union test: no multiplicity correction needed);
 *       {@code not reproduced} when some comparison's interval lies entirely outside [-m, m], with
 *       that interval Bonferroni-widened to 1 - 0.05/k for k comparisons; otherwise
 *       {@code inconclusive} (intervals too wide: they straddle ±m).
 *   <li>Directional claims ("rises", "declines", "at least 8 points"): {@code reproduced} when
 *       the interval lies on the claimed side; {@code not reproduced} when it excludes the claimed
 *       effect size; otherwise {@code inconclusive}.
 * </ul>
 *
 * <h2>The claims</h2>
 * <ul>
 *   <li>{@code fig2a_rise}, {@code fig2a_decline}: the peak rank r* is the rank with the highest
 *       mean validation accuracy; the differences are measured on <em>test</em> accuracy, so the
 *       choice of the peak does not bias them (choosing and measuring on the same split inflates
 *       both differences). Rise = test(r*) - test(smallest rank): reproduced when its interval is
 *       above 0; not reproduced when the interval is below {@value #RANK_EFFECT_POINTS} point and
 *       not above 0. Decline = test(r*) - test(largest rank), same rule (a peak at the largest
 *       rank is a zero decline).
 *   <li>{@code fig2b_<series>}: every position vs the anchor (the smallest position, 0) of the
 *       same orientation, equivalence margin {@value #EQUIVALENCE_POINTS} point.
 *   <li>{@code fig2c}: every pair of Wanda categories, margin {@value #EQUIVALENCE_POINTS} point
 *       (so the max-min spread of the category means is at most 1 point).
 *   <li>{@code fig2d}: lottery-ticket bad - good, margin {@value #EQUIVALENCE_POINTS} point.
 *   <li>{@code sift}: non-inferiority of SIFT at a small rate (at most
 *       {@value #SIFT_SMALL_RATE}, i.e. 1%) to full fine-tuning with margin
 *       {@value #SIFT_MARGIN_POINTS} points: reproduced when some small rate's interval of
 *       SIFT - full (Bonferroni over the small rates) lies above -2; not reproduced when every
 *       small rate's interval lies below -2.
 *   <li>{@code protocol_head_full_gap} (a protocol check, not a paper claim): full - head ≥
 *       {@value #HEAD_FULL_GAP_POINTS} points, i.e. the task is not at its ceiling.
 * </ul>
 */
public final class ClaimRules {
  /** Equivalence margin of positions, Wanda categories and lottery tickets (points). */
  public static final double EQUIVALENCE_POINTS = 1.0;
  /** Smallest rise or decline with rank that counts (points). */
  public static final double RANK_EFFECT_POINTS = 1.0;
  /** Non-inferiority margin of SIFT against full fine-tuning (points). */
  public static final double SIFT_MARGIN_POINTS = 2.0;
  /** Largest top-x rate that counts as "small" for the SIFT claim. */
  public static final double SIFT_SMALL_RATE = 0.01;
  /** Protocol check: full fine-tuning must beat head-only by this much (points). */
  public static final double HEAD_FULL_GAP_POINTS = 8.0;
  /** Family-wise error rate of the interval tests. */
  public static final double ALPHA = 1 - Summary.LEVEL;

  private ClaimRules() {
  }

  /**
   * A paired difference {@code a - b} in points.
   *
   * @param label what is compared, e.g. {@code 0.4 - 0}
   * @param diff 95% summary of the per-seed differences
   * @param adjusted the same at a Bonferroni-adjusted level (equal to diff when k = 1)
   */
  record Comparison(String label, Summary diff, Summary adjusted) {
    int n() {
      return diff.n();
    }

    double mean() {
      return diff.mean();
    }

    String describe() {
      if (diff.n() == 0) {
        return label + ": no common seeds";
      }
      return label + " = " + pts(diff.mean()) + (diff.hasInterval()
          ? " [" + pts(diff.ciLow()) + ", " + pts(diff.ciHigh()) + "] n=" + diff.n()
          : " (n=1, no CI)");
    }
  }

  /** Paired comparison of two points' per-seed values (points), with k comparisons in family. */
  static Comparison paired(String label, SortedMap<Long, Double> a, SortedMap<Long, Double> b,
      int k) {
    List<Double> d = new ArrayList<>();
    for (Map.Entry<Long, Double> e : a.entrySet()) {
      Double other = b.get(e.getKey());
      if (other != null) {
        d.add((e.getValue() - other) * 100);
      }
    }
    double[] values = d.stream().mapToDouble(Double::doubleValue).toArray();
    Summary diff = Summary.atLevel(Summary.LEVEL, values);
    Summary adjusted = k <= 1 ? diff : Summary.atLevel(1 - ALPHA / k, values);
    return new Comparison(label, diff, adjusted);
  }

  /** Evaluates every claim on the aggregated points (keys of {@link Figure2Panels#DEFS}). */
  public static List<Claim> evaluate(Map<String, List<PanelPoint>> points) {
    List<Claim> claims = new ArrayList<>();
    claims.addAll(rank(points.getOrDefault(Figure2Panels.RANK, List.of())));
    claims.addAll(equivalencePerSeries(points.getOrDefault(Figure2Panels.POSITION, List.of()),
        "fig2b", Figure2Panels.POSITION, true));
    claims.addAll(equivalencePerSeries(points.getOrDefault(Figure2Panels.WANDA, List.of()),
        "fig2c", Figure2Panels.WANDA, false));
    claims.addAll(equivalencePerSeries(points.getOrDefault(Figure2Panels.LTH, List.of()),
        "fig2d", Figure2Panels.LTH, false));
    List<PanelPoint> reference = points.getOrDefault(Figure2Panels.REFERENCE, List.of());
    claims.add(sift(points.getOrDefault(Figure2Panels.SIFT, List.of()), reference));
    claims.add(headFullGap(reference));
    return claims;
  }

  // ---- (a) rank ----------------------------------------------------------------------------

  private static List<Claim> rank(List<PanelPoint> points) {
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
      String peakNote = "peak rank r*=" + peak.xLabel() + " (highest mean validation accuracy: "
          + pct(peak.val().mean()) + "); ranks " + series.stream().map(PanelPoint::xLabel)
          .collect(Collectors.joining(", ")) + "; differences measured on test accuracy";
      Comparison rise = paired("test(r*=" + peak.xLabel() + ") - test(r=" + first.xLabel() + ")",
          peak.testBySeed(), first.testBySeed(), 1);
      Comparison decline = paired("test(r*=" + peak.xLabel() + ") - test(r=" + last.xLabel()
          + ")", peak.testBySeed(), last.testBySeed(), 1);
      out.add(directional("fig2a_rise" + suffix, riseText, Figure2Panels.RANK,
          "test acc at the peak rank (chosen on validation) minus at the smallest rank", rise,
          RANK_EFFECT_POINTS, "rise > 0 (interval above 0); not reproduced if the interval is "
              + "below " + fmt(RANK_EFFECT_POINTS) + " point", peakNote));
      out.add(directional("fig2a_decline" + suffix, declineText, Figure2Panels.RANK,
          "test acc at the peak rank minus at the largest rank", decline, RANK_EFFECT_POINTS,
          "decline > 0 (interval above 0); not reproduced if the interval is below "
              + fmt(RANK_EFFECT_POINTS) + " point", peakNote
              + (peak == last ? "; the peak is the largest rank: no decline" : "")));
    }
    return out;
  }

  private static double selectionScore(PanelPoint p) {
    double v = p.val().mean();
    return Double.isNaN(v) ? p.test().mean() : v;
  }

  /**
   * Directional rule: reproduced when the interval is above 0; not reproduced when it is below
   * {@code effect} and not above 0.
   */
  private static Claim directional(String id, String text, String table, String statistic,
      Comparison c, double effect, String threshold, String note) {
    String verdict;
    if (c.n() == 0) {
      return noData(id, text, table, "no common seeds; " + note);
    }
    if (!c.diff().hasInterval()) {
      verdict = Claim.INCONCLUSIVE;
    } else if (c.diff().ciLow() > 0) {
      verdict = Claim.REPRODUCED;
    } else if (c.diff().ciHigh() < effect) {
      verdict = Claim.NOT_REPRODUCED;
    } else {
      verdict = Claim.INCONCLUSIVE;
    }
    String at = c.mean() > 0 ? Claim.HOLDS : Claim.FAILS;
    return new Claim(id, text, table, "test_acc", statistic, c.mean(), c.diff().ciLow(),
        c.diff().ciHigh(), threshold, 0, c.n(), verdict, at,
        c.describe() + "; " + note + nNote(c.n()));
  }

  // ---- (b)-(d) equivalence -----------------------------------------------------------------

  private static List<Claim> equivalencePerSeries(List<PanelPoint> points, String idPrefix,
      String table, boolean againstAnchor) {
    String text = switch (table) {
      case Figure2Panels.POSITION -> "with rank 5, accuracy at every slice position stays within "
          + "±1 point of the anchor (position 0) (Figure 2b)";
      case Figure2Panels.WANDA -> "most-, least-important, mixed and random (Wanda) slices give "
          + "nearly identical accuracy (Figure 2c)";
      default -> "slices from bad lottery-ticket masks do about as well as from good ones "
          + "(Figure 2d)";
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
        if (good != null && bad != null) {
          compared.add(new PanelPoint[] {bad, good});
        } else {
          compared.add(new PanelPoint[] {series.get(1), series.get(0)});
        }
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
      int k = compared.size();
      List<Comparison> comps = new ArrayList<>();
      for (PanelPoint[] pair : compared) {
        comps.add(paired(pair[0].xLabel() + " - " + pair[1].xLabel(), pair[0].testBySeed(),
            pair[1].testBySeed(), k));
      }
      String statistic = againstAnchor ? "largest |test acc difference| to the anchor"
          : table.equals(Figure2Panels.LTH) ? "test acc difference bad - good"
          : "largest |test acc difference| between categories (max-min spread)";
      out.add(equivalence(id, seriesText, table, statistic, comps, EQUIVALENCE_POINTS, note,
          table.equals(Figure2Panels.LTH)));
    }
    return out;
  }

  private static PanelPoint find(List<PanelPoint> points, String label) {
    return points.stream().filter(p -> p.xLabel().equals(label)).findFirst().orElse(null);
  }

  private static Claim equivalence(String id, String text, String table, String statistic,
      List<Comparison> comps, double margin, String note, boolean signed) {
    List<Comparison> usable = comps.stream().filter(c -> c.n() > 0).toList();
    if (usable.isEmpty()) {
      return noData(id, text, table, "no comparison has common seeds; " + note);
    }
    Comparison decisive = usable.stream()
        .max(Comparator.comparingDouble(c -> Math.abs(c.mean()))).orElseThrow();
    boolean allInside = usable.size() == comps.size() && usable.stream().allMatch(c ->
        c.diff().hasInterval() && c.diff().ciLow() >= -margin && c.diff().ciHigh() <= margin);
    List<Comparison> outside = usable.stream().filter(c -> c.adjusted().hasInterval()
        && (c.adjusted().ciLow() > margin || c.adjusted().ciHigh() < -margin)).toList();
    String verdict = allInside ? Claim.REPRODUCED
        : !outside.isEmpty() ? Claim.NOT_REPRODUCED : Claim.INCONCLUSIVE;
    if (!outside.isEmpty()) {
      decisive = outside.stream().max(Comparator.comparingDouble(c -> Math.abs(c.mean())))
          .orElseThrow();
    }
    double observed = signed ? decisive.mean() : Math.abs(decisive.mean());
    String at = Math.abs(decisive.mean()) <= margin ? Claim.HOLDS : Claim.FAILS;
    int n = usable.stream().mapToInt(Comparison::n).min().orElse(0);
    String adjustedNote = comps.size() > 1 ? "; 'outside' uses Bonferroni intervals at "
        + fmt(100 * (1 - ALPHA / comps.size())) + "%" : "";
    String detail = note + ": " + comps.stream().map(Comparison::describe)
        .collect(Collectors.joining("; ")) + adjustedNote + nNote(n);
    return new Claim(id, text, table, "test_acc", statistic, observed, decisive.diff().ciLow(),
        decisive.diff().ciHigh(), "|difference| <= " + fmt(margin) + " point, every 95% CI "
        + "inside ±" + fmt(margin), margin, n, verdict, at, detail);
  }

  // ---- SIFT --------------------------------------------------------------------------------

  private static Claim sift(List<PanelPoint> sift, List<PanelPoint> reference) {
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
    int k = small.size();
    List<Comparison> comps = new ArrayList<>();
    for (PanelPoint p : small) {
      comps.add(paired("sift(" + p.xLabel() + ") - full", p.testBySeed(), full.testBySeed(), k));
    }
    List<Comparison> usable = comps.stream().filter(c -> c.n() > 0).toList();
    if (usable.isEmpty()) {
      return noData(id, text, Figure2Panels.SIFT, "SIFT and full share no seeds");
    }
    Comparison best = usable.stream().max(Comparator.comparingDouble(Comparison::mean))
        .orElseThrow();
    boolean anyNonInferior = usable.stream().anyMatch(c -> c.adjusted().hasInterval()
        && c.adjusted().ciLow() > -SIFT_MARGIN_POINTS);
    boolean allInferior = usable.size() == comps.size() && usable.stream().allMatch(c ->
        c.diff().hasInterval() && c.diff().ciHigh() < -SIFT_MARGIN_POINTS);
    String verdict = anyNonInferior ? Claim.REPRODUCED
        : allInferior ? Claim.NOT_REPRODUCED : Claim.INCONCLUSIVE;
    String at = best.mean() >= -SIFT_MARGIN_POINTS ? Claim.HOLDS : Claim.FAILS;
    int n = best.n();
    String detail = comps.stream().map(Comparison::describe).collect(Collectors.joining("; "))
        + (k > 1 ? "; 'reproduced' uses Bonferroni intervals at "
        + fmt(100 * (1 - ALPHA / k)) + "% over the " + k + " small rates" : "") + nNote(n);
    return new Claim(id, text, Figure2Panels.SIFT, "test_acc",
        "best small-rate SIFT test acc minus full fine-tuning", best.mean(), best.diff().ciLow(),
        best.diff().ciHigh(), "SIFT - full > -" + fmt(SIFT_MARGIN_POINTS) + " points (CI lower "
        + "end)", -SIFT_MARGIN_POINTS, n, verdict, at, detail);
  }

  // ---- protocol check ----------------------------------------------------------------------

  private static Claim headFullGap(List<PanelPoint> reference) {
    String id = "protocol_head_full_gap";
    String text = "protocol check (ours, not a paper claim): full fine-tuning beats head-only by "
        + "at least " + fmt(HEAD_FULL_GAP_POINTS) + " points, so the task is not at its ceiling";
    PanelPoint head = find(reference, "head");
    PanelPoint full = find(reference, "full");
    if (head == null || full == null) {
      return noData(id, text, Figure2Panels.REFERENCE, "needs ok head and full trials");
    }
    Comparison c = paired("full - head", full.testBySeed(), head.testBySeed(), 1);
    if (c.n() == 0) {
      return noData(id, text, Figure2Panels.REFERENCE, "head and full share no seeds");
    }
    String verdict = !c.diff().hasInterval() ? Claim.INCONCLUSIVE
        : c.diff().ciLow() >= HEAD_FULL_GAP_POINTS ? Claim.REPRODUCED
        : c.diff().ciHigh() < HEAD_FULL_GAP_POINTS ? Claim.NOT_REPRODUCED : Claim.INCONCLUSIVE;
    String at = c.mean() >= HEAD_FULL_GAP_POINTS ? Claim.HOLDS : Claim.FAILS;
    return new Claim(id, text, Figure2Panels.REFERENCE, "test_acc",
        "test acc full minus head-only", c.mean(), c.diff().ciLow(), c.diff().ciHigh(),
        "full - head >= " + fmt(HEAD_FULL_GAP_POINTS) + " points (CI lower end)",
        HEAD_FULL_GAP_POINTS, c.n(), verdict, at, c.describe() + nNote(c.n()));
  }

  // ---- helpers -----------------------------------------------------------------------------

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

  private static Claim noData(String id, String text, String table, String why) {
    return new Claim(id, text, table, "test_acc", "", Double.NaN, Double.NaN, Double.NaN, "",
        Double.NaN, 0, Claim.INCONCLUSIVE, Claim.NO_DATA, why);
  }

  private static String nNote(int n) {
    return n < 2 ? "; n=" + n + " paired seed(s): no confidence interval, so no verdict beyond "
        + "inconclusive (run >= 2 seeds, e.g. conf/grids/figure2.conf)" : "";
  }

  static String pts(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%+.2f", v);
  }

  static String pct(double fraction) {
    return Double.isNaN(fraction) ? "NaN" : String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
